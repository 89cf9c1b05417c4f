# The reliability lane uses the suite's setup: the binaries and the base rootfs.
# shellcheck source=../setup_suite.bash
source "$(dirname "${BASH_SOURCE[0]}")/../setup_suite.bash"
