#!/usr/bin/env bats
# crun's mount options beyond mount(2)'s flags: the recursive ones
# (mount_setattr AT_RECURSIVE), copy-symlink, src-nofollow, dest-nofollow;
# a tmpfs without mode=; destinations through dangling symlinks.

load helpers

setup() {
	requires root
	setup_bundle
}

run_probe() {
	set_args "$@"
	run_baton run "$CID"
	assert_success
}

# add_mount JSON: append one mount to config.json.
add_mount() {
	update_config --argjson m "$1" '.mounts += [$m]'
}

# A host tree with a mount below it: what the recursive options must reach.
tree_with_submount() {
	mkdir -p "$BATS_TEST_TMPDIR/tree/sub"
	mount -t tmpfs -o size=1m tmpfs "$BATS_TEST_TMPDIR/tree/sub"
	defer "umount -l $BATS_TEST_TMPDIR/tree/sub"
}

@test "rro: the rbind and the mount below it are read-only" {
	tree_with_submount
	add_mount '{"destination": "/mnt/t", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/tree"'", "options": ["rbind", "rro"]}'
	run_probe mount /mnt/t/sub
	assert_output --regexp '^tmpfs ro,'
	run_probe write /mnt/t/sub/file
	assert_output EROFS
	# plain ro only changes the top
	update_config '.mounts[-1].options = ["rbind", "ro"]'
	run_probe mount /mnt/t/sub
	assert_output --regexp '^tmpfs rw,'
}

@test "rnosuid, rnodev, rnoexec, rnoatime, rnosymfollow reach the mount below" {
	tree_with_submount
	add_mount '{"destination": "/mnt/t", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/tree"'",
		"options": ["rbind", "rnosuid", "rnodev", "rnoexec", "rnoatime", "rnodiratime", "rnosymfollow"]}'
	run_probe mount /mnt/t/sub
	local o
	for o in nosuid nodev noexec noatime nodiratime nosymfollow; do
		[[ $(cut -d' ' -f2 <<<"$output") =~ (^|,)$o(,|$) ]] || fail "no $o: $output"
	done
}

@test "a later recursive option overrides an earlier opposite one (rro, rrw)" {
	tree_with_submount
	add_mount '{"destination": "/mnt/t", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/tree"'", "options": ["rbind", "rro", "rnoexec", "rrw", "rstrictatime"]}'
	run_probe mount /mnt/t/sub
	assert_output --regexp '^tmpfs rw,.*noexec'
	[[ $output != *relatime* && $output != *noatime* ]] || fail "not strictatime: $output"
}

@test "rro on a tmpfs (not a bind)" {
	add_mount '{"destination": "/mnt/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["rro"]}'
	run_probe mount /mnt/tmp
	assert_output --regexp '^tmpfs ro,'
}

@test "copy-symlink: a symlink source becomes the same symlink in the rootfs" {
	ln -s ../usr/share/zoneinfo/UTC "$BATS_TEST_TMPDIR/localtime"
	add_mount '{"destination": "/etc/lt", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/localtime"'", "options": ["bind", "copy-symlink"]}'
	set_cmd /bin/readlink /etc/lt
	run_baton run "$CID"
	assert_success
	assert_output ../usr/share/zoneinfo/UTC
	set_args mount /etc/lt
	run_baton run "$CID"
	assert_output "not a mount point"
}

@test "src-nofollow binds the symlink itself, not its target" {
	echo target >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "$BATS_TEST_TMPDIR/link"
	add_mount '{"destination": "/mnt/l", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/link"'", "options": ["bind", "src-nofollow"]}'
	set_cmd /bin/readlink /mnt/l
	run_baton run "$CID"
	assert_success
	assert_output "$BATS_TEST_TMPDIR/target"
}

@test "dest-nofollow mounts on a symlink in the rootfs, not where it points" {
	echo host >"$BATS_TEST_TMPDIR/file"
	echo image >"$BUNDLE/rootfs/etc/real"
	ln -s real "$BUNDLE/rootfs/etc/alias"
	add_mount '{"destination": "/etc/alias", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/file"'", "options": ["bind", "dest-nofollow"]}'
	set_cmd /bin/sh -c 'cat /etc/alias /etc/real'
	run_baton run "$CID"
	assert_success
	assert_output $'host\nimage'
}

@test "symlink options on a mount that is no bind are refused, before anything is made" {
	local o
	for o in copy-symlink src-nofollow dest-nofollow; do
		update_config --arg o "$o" '.mounts = [.mounts[] | select(.destination != "/mnt/x")] |
			.mounts += [{"destination": "/mnt/x", "type": "tmpfs", "source": "tmpfs", "options": [$o]}]'
		run_baton run "$CID"
		assert_failure
		assert_output "baton: parse-config: mounts[$(($(jq '.mounts | length' config.json) - 1))].options: \`$o\` is for bind mounts only"
	done
}

@test "copy-symlink onto an existing file of the image fails, naming the destination" {
	ln -s somewhere "$BATS_TEST_TMPDIR/link"
	echo image >"$BUNDLE/rootfs/etc/taken"
	add_mount '{"destination": "/etc/taken", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/link"'", "options": ["bind", "copy-symlink"]}'
	run_baton run "$CID"
	assert_failure
	assert_output "baton: mount-rootfs: copy-symlink: create \`/etc/taken\`: File exists"
}

@test "a tmpfs without mode= takes the mode of the directory it covers" {
	mkdir -p "$BUNDLE/rootfs/mnt/sticky" "$BUNDLE/rootfs/mnt/private"
	chmod 1777 "$BUNDLE/rootfs/mnt/sticky"
	chmod 0700 "$BUNDLE/rootfs/mnt/private"
	add_mount '{"destination": "/mnt/sticky", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
	add_mount '{"destination": "/mnt/private", "type": "tmpfs", "source": "tmpfs"}'
	add_mount '{"destination": "/mnt/given", "type": "tmpfs", "source": "tmpfs", "options": ["mode=750"]}'
	set_cmd /bin/stat -c '%n %a' /mnt/sticky /mnt/private /mnt/given
	run_baton run "$CID"
	assert_success
	assert_output $'/mnt/sticky 1777\n/mnt/private 700\n/mnt/given 750'
	set_args mount /mnt/private
	run_baton run "$CID"
	assert_output --regexp '^tmpfs .* rw,.*mode=700'
}

@test "a destination that is a dangling symlink gets its target made inside the rootfs" {
	mkdir "$BATS_TEST_TMPDIR/vol"
	echo data >"$BATS_TEST_TMPDIR/vol/file"
	ln -s /srv/data "$BUNDLE/rootfs/data"
	add_mount '{"destination": "/data", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/vol"'", "options": ["bind"]}'
	set_cmd /bin/sh -c 'cat /srv/data/file; readlink /data'
	run_baton run "$CID"
	assert_success
	assert_output $'data\n/srv/data'
	[[ -d $BUNDLE/rootfs/srv/data ]] || fail "/srv/data not made in the rootfs"
}

@test "a dangling symlink pointing out of the rootfs stays inside it (RESOLVE_IN_ROOT)" {
	local escape=bt$$-escape-$RANDOM
	# relative, climbing past the root, and absolute, naming a host path
	ln -s "../../../../../../tmp/$escape-rel" "$BUNDLE/rootfs/mnt/rel"
	ln -s "/tmp/$escape-abs" "$BUNDLE/rootfs/mnt/abs"
	mkdir "$BATS_TEST_TMPDIR/vol"
	echo "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/file"
	add_mount '{"destination": "/mnt/rel", "type": "tmpfs", "source": "tmpfs"}'
	add_mount '{"destination": "/mnt/abs", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/file"'", "options": ["bind"]}'
	set_cmd /bin/sh -c "ls -d /tmp/$escape-rel; cat /tmp/$escape-abs"
	run_baton run "$CID"
	assert_success
	assert_output $'/tmp/'"$escape"$'-rel\n'"$BATS_TEST_TMPDIR"
	[[ ! -e /tmp/$escape-rel && ! -e /tmp/$escape-abs ]] || fail "made on the host"
	[[ -d $BUNDLE/rootfs/tmp/$escape-rel && -f $BUNDLE/rootfs/tmp/$escape-abs ]] ||
		fail "not made in the rootfs"
}

@test "a loop of symlinks as a destination fails, naming it" {
	ln -s /mnt/b "$BUNDLE/rootfs/mnt/a"
	ln -s /mnt/a "$BUNDLE/rootfs/mnt/b"
	add_mount '{"destination": "/mnt/a", "type": "tmpfs", "source": "tmpfs"}'
	run_baton run "$CID"
	assert_failure
	assert_output --regexp '^baton: mount-rootfs: open directory `/mnt/[ab]`: (Symbolic link loop|Too many levels of symbolic links)$'
}

# --- bind sources in a user namespace, opened with the runtime's credentials ---

# A user namespace whose root is host uid 100000.
userns_config() {
	requires userns
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	# the container's root must reach its rootfs, not the sources
	local d=$BUNDLE
	while [[ $d != / ]]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

@test "user namespace: bind sources below a 0700 host directory work: a directory, a file, a FIFO, a socket" {
	userns_config
	local secret=$BATS_TEST_TMPDIR/secret
	mkdir -p "$secret/vol"
	chmod 0700 "$secret"
	echo hidden >"$secret/vol/file"
	chmod 0755 "$secret/vol"
	echo alone >"$secret/file"
	mkfifo "$secret/fifo"
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$secret/sock"
	# the image's root (host root's) is not the container root's to add to
	mkdir "$BUNDLE/rootfs/mnt/vol"
	touch "$BUNDLE/rootfs/mnt/file" "$BUNDLE/rootfs/mnt/fifo" "$BUNDLE/rootfs/mnt/sock"
	add_mount '{"destination": "/mnt/vol", "type": "bind", "source": "'"$secret/vol"'", "options": ["rbind", "ro"]}'
	add_mount '{"destination": "/mnt/file", "type": "bind", "source": "'"$secret/file"'", "options": ["bind"]}'
	add_mount '{"destination": "/mnt/fifo", "type": "bind", "source": "'"$secret/fifo"'", "options": ["bind"]}'
	add_mount '{"destination": "/mnt/sock", "type": "bind", "source": "'"$secret/sock"'", "options": ["bind"]}'
	set_cmd /bin/sh -c 'cat /mnt/vol/file /mnt/file; test -p /mnt/fifo && echo fifo; test -S /mnt/sock && echo socket; touch /mnt/vol/x 2>/dev/null || echo ro'
	run_baton run "$CID"
	assert_success
	assert_output $'hidden\nalone\nfifo\nsocket\nro'
}

@test "user namespace: a missing bind source fails on the host side and leaves nothing" {
	userns_config
	add_mount '{"destination": "/mnt/bad", "type": "bind", "source": "/nonexistent-'"$CID"'", "options": ["bind"]}'
	run_baton run "$CID"
	assert_failure
	assert_output "baton: idmap-mounts: bind mount on \`/mnt/bad\`: open the source \`/nonexistent-$CID\` on the host: No such file or directory"
	[[ -z $(pgrep -x idmap-mounts) ]] || fail "idmap-mounts processes left"
}
