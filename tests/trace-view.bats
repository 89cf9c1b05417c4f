#!/usr/bin/env bats
# `baton trace-view`: a --trace file as a self-contained HTML timeline,
# rendered in headless Chromium (Debian's `chromium`).

load helpers

setup() {
	requires root
	setup_bundle
}

# The stage names of create's pipeline, in declaration order.
create_stages() {
	awk -F'\t' '!/^#/ && NF >= 7 && $7 ~ /(^|,)create(,|$)/ {print $1}' \
		"$BATS_TEST_DIRNAME/../schemas/pipeline.tsv"
}

requires_chromium() {
	command -v chromium >/dev/null || skip "no chromium (apt-get install chromium; .ci/deps has it)"
}

# chromium, offline and without a profile of its own: what the page's DOM became.
chromium_headless() {
	timeout -k 5 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$(mktemp -d "$BATS_TEST_TMPDIR/chromium.XXXX")" "$@" \
		2>"$BATS_TEST_TMPDIR/chromium.err"
}

render_dom() {
	chromium_headless --dump-dom "file://$1" >"$BATS_TEST_TMPDIR/dom.html" ||
		fail "chromium failed: $(tail -5 "$BATS_TEST_TMPDIR/chromium.err")"
	cat "$BATS_TEST_TMPDIR/dom.html"
}

# The rendered table's row of stage $1: NAME SIDE START DURATION OUTCOME (cells by |).
dom_row() {
	grep -o "<tr><td>$1</td>.*</tr>" "$BATS_TEST_TMPDIR/dom.html" | head -1 |
		sed -E 's#</td><td[^>]*>#|#g; s#</?t[rd][^>]*>##g'
}

@test "trace-view: every stage with its outcome, rendered by Chromium" {
	requires_chromium
	local trace=$BATS_TEST_TMPDIR/trace.json html=$BATS_TEST_TMPDIR/trace.html stage
	run_baton --trace "$trace" run "$CID"
	assert_success
	run_baton trace-view "$trace"
	assert_success
	"$BATON" trace-view "$trace" >"$html"
	render_dom "$html" >/dev/null
	grep -q '<h1>baton run</h1>' "$BATS_TEST_TMPDIR/dom.html" || fail "no title"
	for stage in $(create_stages); do
		[[ $(dom_row "$stage") =~ ^$stage\|(host|self|child)\| ]] ||
			fail "no row for $stage: $(dom_row "$stage")"
		grep -q "<text x=\"16\" y=\"[0-9]*\">$stage</text>" "$BATS_TEST_TMPDIR/dom.html" ||
			fail "no bar label for $stage in the SVG"
	done
	[[ $(dom_row parse-config) =~ ^parse-config\|host\|[0-9.]+\ ms\|[0-9.]+\ ms\|ok$ ]] ||
		fail "parse-config: $(dom_row parse-config)"
	[[ $(dom_row seccomp-load) == 'seccomp-load|host|-|-|skipped' ]] ||
		fail "seccomp-load: $(dom_row seccomp-load)"
	[[ $(dom_row final-exec) =~ \|child\|.*\|ok$ ]] || fail "final-exec: $(dom_row final-exec)"
	# the lanes, and a coloured bar per stage that ran
	for lane in host self child; do
		grep -q "<text class=\"lane\" x=\"4\" y=\"[0-9]*\">$lane</text>" "$BATS_TEST_TMPDIR/dom.html" ||
			fail "no $lane lane"
	done
	[[ $(grep -o 'fill="#43a047"' "$BATS_TEST_TMPDIR/dom.html" | wc -l) -ge 5 ]] ||
		fail "fewer green bars than stages that ran"
}

@test "trace-view: a failed create shows failed and not-run, in text and colour" {
	requires_chromium
	local trace=$BATS_TEST_TMPDIR/fail.json html=$BATS_TEST_TMPDIR/fail.html
	update_config --arg s "$BATS_TEST_TMPDIR/missing" \
		'.mounts += [{"destination": "/mnt/data", "type": "bind", "source": $s, "options": ["rbind"]}]'
	run_baton --trace "$trace" create "$CID"
	assert_failure 1
	"$BATON" trace-view "$trace" >"$html"
	render_dom "$html" >/dev/null
	[[ $(dom_row mount-rootfs) =~ \|child\|.*\|failed$ ]] || fail "mount-rootfs: $(dom_row mount-rootfs)"
	[[ $(dom_row final-exec) == 'final-exec|child|-|-|not-run' ]] || fail "final-exec: $(dom_row final-exec)"
	[[ $(dom_row 'baton create') =~ \|command\|.*\|failed$ ]] || fail "command: $(dom_row 'baton create')"
	grep -q '<g class="stage failed"><title>mount-rootfs (child): [0-9.]* ms, failed</title>' \
		"$BATS_TEST_TMPDIR/dom.html" || fail "no failed bar for mount-rootfs"
	grep -q 'fill="#e53935"' "$BATS_TEST_TMPDIR/dom.html" || fail "no red bar"
}

@test "trace-view: a picture, drawn offline" {
	requires_chromium
	local trace=$BATS_TEST_TMPDIR/trace.json html=$BATS_TEST_TMPDIR/trace.html
	run_baton --trace "$trace" run "$CID"
	assert_success
	"$BATON" trace-view "$trace" >"$html"
	chromium_headless --window-size=1100,900 --screenshot="$BATS_TEST_TMPDIR/shot.png" \
		"file://$html" || fail "chromium: $(tail -5 "$BATS_TEST_TMPDIR/chromium.err")"
	[[ $(head -c 8 "$BATS_TEST_TMPDIR/shot.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
		fail "no PNG"
	[[ $(stat -c %s "$BATS_TEST_TMPDIR/shot.png") -gt 20000 ]] || fail "an empty picture"
}

@test "trace-view: the HTML references nothing outside itself" {
	local trace=$BATS_TEST_TMPDIR/trace.json html=$BATS_TEST_TMPDIR/trace.html
	run_baton --trace "$trace" run "$CID"
	assert_success
	"$BATON" trace-view "$trace" >"$html"
	grep -q '<svg ' "$html" || fail "no SVG"
	run grep -Eio 'https?:|//[a-z0-9.-]+\.[a-z]{2,}/|src=|href=|@import|url\(|<script|<link|<img|<iframe|<object' "$html"
	assert_failure
	assert_output ''
}

@test "trace-view: names are HTML-escaped; JSON escapes are decoded" {
	local trace=$BATS_TEST_TMPDIR/odd.json html
	cat >"$trace" <<-'TRACE'
		{"displayTimeUnit":"ms","traceEvents":[
		{"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"baton run"}},
		{"name":"baton run","cat":"command","ph":"X","ts":1000.000,"dur":500.000,"pid":1,"tid":0,"args":{"outcome":"ok"}},
		{"name":"<b>\u0041&\"q\"</b>","cat":"host","ph":"X","ts":1100.000,"dur":100.000,"pid":1,"tid":1,"args":{"outcome":"ok"}}
		]}
	TRACE
	run "$BATON" trace-view "$trace"
	assert_success
	assert_output --partial '<td>&lt;b&gt;A&amp;&quot;q&quot;&lt;/b&gt;</td>'
	refute_output --partial '<b>A'
}

@test "trace-view: what is not baton's trace is refused, naming the line" {
	run "$BATON" trace-view "$BUNDLE/config.json"
	assert_failure 1
	assert_output --regexp '^baton: .*/config.json:1: not a baton trace: its first line is not '
	printf '{"displayTimeUnit":"ms","traceEvents":[\n{"name":"x","ph":"X","ts":1,' >"$BATS_TEST_TMPDIR/cut.json"
	run "$BATON" trace-view "$BATS_TEST_TMPDIR/cut.json"
	assert_failure 1
	assert_output --regexp 'cut.json:2: not a baton trace: '
	printf '{"displayTimeUnit":"ms","traceEvents":[\n' >"$BATS_TEST_TMPDIR/open.json"
	run "$BATON" trace-view "$BATS_TEST_TMPDIR/open.json"
	assert_failure 1
	assert_output --partial 'it ends before `]}`'
	: >"$BATS_TEST_TMPDIR/empty.json"
	run "$BATON" trace-view "$BATS_TEST_TMPDIR/empty.json"
	assert_failure 1
	assert_output --partial 'empty.json:1: not a baton trace'
	run "$BATON" trace-view "$BATS_TEST_TMPDIR/none.json"
	assert_failure 1
	assert_output --regexp '^baton: cannot open `.*/none.json`: No such file or directory$'
	run "$BATON" trace-view
	assert_failure 1
	assert_line --index 0 'baton: trace-view: requires exactly one TRACE.json argument'
}

@test "trace-view: a pretty-printed trace is refused (only baton's own shape is read)" {
	local trace=$BATS_TEST_TMPDIR/trace.json
	run_baton --trace "$trace" run "$CID"
	assert_success
	jq . "$trace" >"$BATS_TEST_TMPDIR/pretty.json"
	run "$BATON" trace-view "$BATS_TEST_TMPDIR/pretty.json"
	assert_failure 1
	assert_output --partial 'pretty.json:1: not a baton trace'
}
