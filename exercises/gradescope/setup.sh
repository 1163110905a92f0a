#!/bin/bash
# Gradescope runs this once, as root, when it builds the autograder's
# image (Ubuntu; 22.04 is its default base image). It installs what the
# grader needs and makes the unprivileged user that run_autograder grades
# as. The repository is in /autograder/source/source (see pack.sh).
set -euo pipefail

repo=/autograder/source/source
export DEBIAN_FRONTEND=noninteractive

apt-get update -q
# A compiler and make, which scripts/deps.sh takes for granted; the
# image's base variant has neither.
apt-get install -y -q --no-install-recommends build-essential ca-certificates

# The rest (Check, pkg-config and the libraries the build links) from
# the repository's own list, the one `make grade` checks on every run.
# The exercises do not use Redis.
SKIP_REDIS=1 "$repo/scripts/deps.sh" test

# Students' code runs as this user, never as root: it can then write
# neither /autograder/results nor the trusted copy of the course.
if ! id student >/dev/null 2>&1; then
	useradd --system --no-create-home --shell /usr/sbin/nologin student
fi
