#!/bin/sh
# test_kernel_live once more with nexthop objects turned off: the path of
# kernels before 5.3 (next hops in every route), on this kernel.
CEBGP_NEXTHOP_OBJECTS=0 exec "${top_builddir:-.}/tests/unit/test_kernel_live" "$@"
