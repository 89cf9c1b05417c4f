# bats-core runs this once before all test files: it finds the binaries and
# builds the base rootfs (busybox + the probe) that every test bundle copies.

setup_suite() {
	local repo build
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	build=${BATON_BUILD:-$repo/build}
	export BATON=$build/bin/baton
	export BATON_PROBE=$build/tests/probe
	export BATON_ROOTFS=$repo/tests/.rootfs

	[[ -x $BATON ]] || {
		echo "setup_suite: no $BATON; run make first" >&2
		return 1
	}
	[[ -x $BATON_PROBE ]] || {
		echo "setup_suite: no $BATON_PROBE; run make first" >&2
		return 1
	}
	[[ -x /bin/busybox ]] || {
		echo "setup_suite: no /bin/busybox; install busybox-static" >&2
		return 1
	}
	# A dynamically linked busybox would need the host's loader inside the rootfs.
	if ldd /bin/busybox >/dev/null 2>&1; then
		echo "setup_suite: /bin/busybox is not static; install busybox-static" >&2
		return 1
	fi

	if [[ ! -x $BATON_ROOTFS/probe || $BATON_PROBE -nt $BATON_ROOTFS/probe ||
		/bin/busybox -nt $BATON_ROOTFS/bin/busybox ]]; then
		build_rootfs "$BATON_ROOTFS" || return 1
	fi
}

# Build in a temporary directory and move it in place, so a half-built rootfs
# is never used (and never left in the tree).
build_rootfs() {
	local dest=$1 tmp d
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/baton-rootfs.XXXXXX") || return 1
	chmod 0755 "$tmp"
	for d in bin sbin usr/bin usr/sbin proc sys dev tmp etc root mnt home/user; do
		mkdir -p "$tmp/$d"
	done
	chmod 1777 "$tmp/tmp"
	cp /bin/busybox "$tmp/bin/busybox"
	# --install writes links for every applet, pointing at /bin/busybox as the
	# container sees it; it needs the rootfs as its /.
	chroot "$tmp" /bin/busybox --install -s || {
		echo "setup_suite: busybox --install -s in $tmp failed" >&2
		rm -rf "$tmp"
		return 1
	}
	install -m 0755 "$BATON_PROBE" "$tmp/probe"
	printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$tmp/etc/passwd"
	printf 'root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n' >"$tmp/etc/group"
	echo baton-test >"$tmp/etc/hostname"
	chown 1000:1000 "$tmp/home/user"
	rm -rf "$dest"
	mv "$tmp" "$dest"
}

teardown_suite() {
	:
}
