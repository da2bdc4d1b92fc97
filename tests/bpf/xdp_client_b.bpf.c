// SPDX-License-Identifier: GPL-2.0
/*
 * XDP program b of tests/clients (xdp-loader -P PRIO, in the dispatcher's
 * chain): sets bit 2 of tg_xdp_hits and returns XDP_PASS.
 */
#include "xdp_client.h"

TG_XDP_CLIENT(xdp_client_b, 2, XDP_PASS);
