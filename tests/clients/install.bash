# install_baton: `make install` of the build under test into a private prefix
# (BATS_FILE_TMPDIR), so that the engines run the installed baton under its
# installed name, with the installed containers.conf drop-in, and the host's
# /usr and /etc stay as they are. Sets:
#
#   BATON_PREFIX      the prefix: bin/baton, libexec/baton/, share/man/
#   BATON_INSTALLED   $BATON_PREFIX/bin/baton
#   BATON_DROPIN      the installed containers.conf drop-in (podman is pointed
#                     at it through CONTAINERS_CONF)

install_baton() {
	local repo build log=$BATS_FILE_TMPDIR/install.log
	repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	build=$(dirname "$(dirname "$BATON")")
	# a build dir inside the checkout by the relative name it was built as
	[[ $build == "$repo"/* ]] && build=${build#"$repo"/}

	export BATON_PREFIX=$BATS_FILE_TMPDIR/prefix
	export BATON_INSTALLED=$BATON_PREFIX/bin/baton
	export BATON_DROPIN=$BATS_FILE_TMPDIR/etc/containers/containers.conf.d/baton.conf
	make -C "$repo" --no-print-directory BUILD="$build" PREFIX="$BATON_PREFIX" \
		SYSCONFDIR="$BATS_FILE_TMPDIR/etc" install >"$log" 2>&1 || {
		echo "make install failed:" >&2
		tail -n 20 "$log" >&2
		return 1
	}
}
