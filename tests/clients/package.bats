#!/usr/bin/env bats
# The Debian package: `dpkg-buildpackage -us -uc -b` of this tree gives
# baton_*.deb, lintian finds nothing it does not explain (debian/*.lintian-
# overrides), and the package unpacked into a throw-away root runs a
# container with its own binary and stages.

load ../helpers
bats_require_minimum_version 1.5.0

setup_file() {
	command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || return 0
	local repo
	repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	export PKG_DIR=$BATS_FILE_TMPDIR/pkg
	mkdir -p "$PKG_DIR/baton"
	# the working tree as it is (tracked and new files), without build output
	git -C "$repo" ls-files -co --exclude-standard -z |
		tar -C "$repo" --null -T - -cf - | tar -C "$PKG_DIR/baton" -xf -
	(cd "$PKG_DIR/baton" && dpkg-buildpackage -us -uc -b) >"$PKG_DIR/build.log" 2>&1 ||
		echo failed >"$PKG_DIR/build-failed"
}

setup() {
	command -v dpkg-buildpackage >/dev/null || skip "needs dpkg-dev"
	command -v dh >/dev/null || skip "needs debhelper"
	[[ ! -e $PKG_DIR/build-failed ]] || fail "dpkg-buildpackage failed: $(tail -n 30 "$PKG_DIR/build.log")"
	DEB=$(echo "$PKG_DIR"/baton_*_*.deb)
	[[ -f $DEB ]] || fail "no .deb in $PKG_DIR: $(ls "$PKG_DIR")"
}

@test "package: the .deb holds the binary, the stages, the man pages, completion and the drop-in" {
	run dpkg-deb -c "$DEB"
	assert_success
	local f
	for f in ./usr/bin/baton ./usr/libexec/baton/parse-config ./usr/libexec/baton/mount-rootfs \
		./usr/libexec/baton/final-exec ./usr/libexec/baton/seccomp-load \
		./usr/share/man/man1/baton.1.gz ./usr/share/man/man1/baton-exec.1.gz \
		./usr/share/bash-completion/completions/baton \
		./etc/containers/containers.conf.d/baton.conf ./usr/share/doc/baton/copyright; do
		assert_output --partial " $f"
	done
	refute_output --partial './usr/local'
	run dpkg-deb -f "$DEB" Depends
	assert_output --partial libseccomp2
	run dpkg-deb --ctrl-tarfile "$DEB"
	assert_success
	# the drop-in names the packaged binary
	run sh -c "dpkg-deb --fsys-tarfile '$DEB' | tar -xOf - ./etc/containers/containers.conf.d/baton.conf"
	assert_line 'baton = ["/usr/bin/baton"]'
}

@test "package: lintian finds nothing that debian/ does not explain" {
	command -v lintian >/dev/null || skip "needs lintian"
	run lintian --fail-on warning "${DEB%.deb}.changes" "$DEB"
	[[ $status -eq 0 ]] || fail "lintian: $output"
	refute_output --regexp '^[EW]: '
}

@test "package: unpacked into a throw-away root, it runs a container" {
	requires root
	local root=$BATS_TEST_TMPDIR/root
	dpkg-deb -x "$DEB" "$root"
	setup_bundle
	BATON=$root/usr/bin/baton
	run_baton run "$CID"
	assert_success
	assert_output --regexp '^uid=0 gid=0 euid=0 egid=0 groups=$'
	run "$BATON" --version
	assert_line --regexp '^baton version '
	run env MANPATH="$root/usr/share/man" man -w baton-run
	assert_output "$root/usr/share/man/man1/baton-run.1.gz"
}
