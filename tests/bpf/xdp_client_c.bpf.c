// SPDX-License-Identifier: GPL-2.0
/*
 * XDP program c of tests/clients (xdp-loader -P PRIO, in the dispatcher's
 * chain): sets bit 4 of tg_xdp_hits and returns XDP_DROP, so that a test
 * run of the dispatcher returns 1 when the chain reached it.
 */
#include "xdp_client.h"

TG_XDP_CLIENT(xdp_client_c, 4, XDP_DROP);
