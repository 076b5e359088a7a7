# Demo: one guest, data guest->peer (forwarded, zero-copy path), guest->dom0 socket and dom0->guest, with the backend's counters before and after.
# lab-backend: default
# lab-timeout: 300
guest_start g1 vcpus=2
guest_wait g1 || exit 1
peer_create
V=$(guest_vif g1)
info "backend $(backend_current), vif $V; counters before:"
backend_stats "$V"
xfer_g2p g1 32
xfer_g2d g1 32
xfer_d2g g1 16
info "counters after:"
backend_stats "$V"
assert_mappings_drained "$V"
