# Plain bridge forwarding: guest <-> peer netns (forwarded by dom0's bridge) and guest <-> dom0, md5-verified, ping; the vif's driver identity.
# lab-backend: default
# lab-timeout: 400
# shellcheck shell=dash
guest_start g1
guest_wait g1 || exit 1
check_vif_identity "$(guest_vif g1)"
ping_check g1 5
peer_create peer xenbr0
ping_check g1 3 peer
xfer_g2p g1 16
xfer_p2g g1 16
xfer_g2d g1 16
xfer_d2g g1 16
