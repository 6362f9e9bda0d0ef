#!/usr/bin/env bash
# `npm run drill`: the same setup as `npm run bench` (see tools/bench/run.sh), then tools/drill/drill.ts.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../bench/run.sh" drill "$@"
