# Turn schemas/pipeline.tsv into a C table for the orchestrator.
BEGIN {
	FS = "\t"
	kind["file"] = "FD_KIND_FILE"; kind["memfd"] = "FD_KIND_SEALED_MEMFD"
	kind["socket"] = "FD_KIND_SOCKET"; kind["fifo"] = "FD_KIND_FIFO"; kind["exec"] = "FD_KIND_EXEC"
	side["host"] = "SIDE_HOST"; side["self"] = "SIDE_SELF"; side["child"] = "SIDE_CHILD"
	when["always"] = "WHEN_ALWAYS"; when["seccomp"] = "WHEN_SECCOMP"
	when["userns"] = "WHEN_USERNS"; when["cgroup"] = "WHEN_CGROUP"; when["hooks"] = "WHEN_HOOKS"
	when["idmap"] = "WHEN_IDMAP"; when["cgroupfs"] = "WHEN_CGROUPFS"; when["systemd"] = "WHEN_SYSTEMD"
	when["netdevices"] = "WHEN_NETDEVICES"
	print "/* Generated from schemas/pipeline.tsv by schemas/pipeline2c.awk: do not edit. */"
	print "static const struct stage_decl pipeline_decl[] = {"
}
/^#/ || NF < 6 { next }
{
	if (!($2 in side)) { print "pipeline.tsv:" NR ": bad side " $2 > "/dev/stderr"; exit 1 }
	if (!($5 in when)) { print "pipeline.tsv:" NR ": bad condition " $5 > "/dev/stderr"; exit 1 }
	printf "\t{\n\t\t.name = \"%s\",\n\t\t.side = %s,\n\t\t.libc = \"%s\",\n\t\t.when = %s,\n", $1, side[$2], $3, when[$5]
	printf "\t\t.after = {"
	if ($4 != "-") {
		n = split($4, a, ",")
		for (i = 1; i <= n; i++) {
			if (a[i] ~ /\?/ && a[i] !~ /\?cgroup2$/) { print "pipeline.tsv:" NR ": bad condition in " a[i] > "/dev/stderr"; exit 1 }
			printf "\"%s\", ", a[i]
		}
	}
	printf "NULL},\n\t\t.fds = {"
	if ($6 != "-") {
		n = split($6, f, " ")
		for (i = 1; i <= n; i++) {
			split(f[i], p, ":"); opt = "false"; k = p[2]
			if (k ~ /\?$/) { opt = "true"; sub(/\?$/, "", k) }
			if (!(k in kind)) { print "pipeline.tsv:" NR ": bad fd kind " k > "/dev/stderr"; exit 1 }
			printf "{\"%s\", %s, %s}, ", p[1], kind[k], opt
		}
	}
	printf "{NULL, 0, false}},\n"
	if ($7 == "") { print "pipeline.tsv:" NR ": no `for` column" > "/dev/stderr"; exit 1 }
	printf "\t\t.in_create = %s,\n\t\t.in_exec = %s,\n\t},\n", \
		($7 ~ /(^|,)create(,|$)/) ? "true" : "false", ($7 ~ /(^|,)exec(,|$)/) ? "true" : "false"
}
END { print "};" }
