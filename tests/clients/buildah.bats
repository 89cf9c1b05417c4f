#!/usr/bin/env bats
# buildah as a real client of baton: images built from a Containerfile whose
# RUN steps run on the installed baton (offline: FROM a local image made from
# the test rootfs), and `buildah run` in a working container. A wrapper in
# front of baton records each call, so the test knows baton ran the steps.

load ../helpers
load install
bats_require_minimum_version 1.5.0

IMAGE=localhost/baton-buildah-base

setup_file() {
	command -v buildah >/dev/null || return 0
	install_baton
	tar -C "$BATON_ROOTFS" -c . | buildah import - "$IMAGE" >/dev/null 2>&1 ||
		tar -C "$BATON_ROOTFS" -c . | podman import - "$IMAGE" >/dev/null
}

teardown_file() {
	command -v buildah >/dev/null || return 0
	buildah rmi -f "$IMAGE" >/dev/null 2>&1
	return 0
}

setup() {
	requires root
	command -v buildah >/dev/null || skip "needs buildah"
	NAME=bt-buildah-$$-$BATS_TEST_NUMBER
	CALLS=$BATS_TEST_TMPDIR/calls
	WRAPPER=$BATS_TEST_TMPDIR/baton
	printf '#!/bin/sh\necho "$*" >>%s\nexec %s "$@"\n' "$CALLS" "$BATON_INSTALLED" >"$WRAPPER"
	chmod +x "$WRAPPER"
	export CONTAINERS_CONF=$BATON_DROPIN
}

teardown() {
	buildah rm "$NAME" >/dev/null 2>&1
	buildah rmi -f "localhost/$NAME" >/dev/null 2>&1
	return 0
}

bah() {
	timeout 300 buildah --runtime "$WRAPPER" "$@"
}

@test "buildah bud: RUN steps run on baton, the image holds what they made" {
	cat >"$BATS_TEST_TMPDIR/Containerfile" <<-EOF
		FROM $IMAGE
		RUN echo built-by-baton >/built && mkdir /made && id -u >/uid
		RUN test "\$(cat /built)" = built-by-baton && echo second-step-saw-it
		CMD ["/bin/cat", "/built"]
	EOF
	run bah bud --isolation oci --network none --ulimit nofile=1024:1024 \
		-t "localhost/$NAME" -f "$BATS_TEST_TMPDIR/Containerfile" "$BATS_TEST_TMPDIR"
	assert_success
	assert_output --partial second-step-saw-it
	# each RUN is one container of baton's
	[[ $(grep -cE '(^| )(run|create) ' "$CALLS") -ge 2 ]] || fail "baton calls: $(cat "$CALLS")"
	run podman run --rm --runtime baton --network none --ulimit nofile=1024:1024 \
		--ulimit nproc=1024:1024 "localhost/$NAME"
	assert_success
	assert_output built-by-baton
}

@test "buildah bud: a failing RUN step fails the build with its status" {
	cat >"$BATS_TEST_TMPDIR/Containerfile" <<-EOF
		FROM $IMAGE
		RUN exit 7
	EOF
	run bah bud --isolation oci --network none --ulimit nofile=1024:1024 \
		-t "localhost/$NAME" -f "$BATS_TEST_TMPDIR/Containerfile" "$BATS_TEST_TMPDIR"
	assert_failure
	assert_output --partial 'exit status 7'
	[[ -s $CALLS ]] || fail "baton was not called"
}

@test "buildah run in a working container, on baton" {
	run buildah from --name "$NAME" "$IMAGE"
	assert_success
	run bah run --isolation oci --network none "$NAME" -- \
		/bin/sh -c 'echo from-buildah-run; cat /proc/self/status | grep ^NoNewPrivs'
	assert_success
	assert_line from-buildah-run
	[[ -s $CALLS ]] || fail "baton was not called"
	run bah run --isolation oci --network none "$NAME" -- /no/such/program
	assert_failure
	assert_output --partial '/no/such/program'
}
