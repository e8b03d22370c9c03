#!/usr/bin/env bash
# test-inbound-gobgp: test-inbound.sh with GoBGP (gobgpd) as both provider
# routers instead of BIRD: the same routes, verdicts, kernel, counts,
# metrics, explain texts and reloads, against a second BGP implementation.
export INBOUND_PROVIDER=gobgp LAB_TEST=test-inbound-gobgp
exec bash "$(dirname "$0")/test-inbound.sh" "$@"
