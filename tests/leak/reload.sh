# Leak check: after its guests are gone the backend module unloads, reloads and serves a new guest cleanly, twice in a row, with nothing left mapped or registered in between.
# lab-backend: default
# lab-timeout: 500
# shellcheck shell=dash
B=$(backend_current)
M=$(echo "$B" | tr - _)
unload_reload() { # ROUND
    check "rmmod-$1" rmmod "$M"
    check "module-gone-$1" [ ! -d "/sys/module/$M" ]
    check "no-vif-backends-$1" [ -z "$(xenstore-list /local/domain/0/backend/vif 2>/dev/null)" ]
    check "reload-$1" lab_modprobe "$M"
    check_eq "refcount-after-reload-$1" 0 "$(modref)"
    if [ "$B" = znetback ]; then check_eq "nothing-mapped-after-reload-$1" 0 "$(backend_global_mapped)"; fi
}
serve_guest() { # NAME: a guest on the freshly loaded module, traffic both ways, then gone
    guest_start "$1" 1 || return 1
    guest_wait "$1" || return 1
    xfer_g2d "$1" 16
    xfer_d2g "$1" 16
    V=$(guest_vif "$1")
    assert_mappings_drained "$V"
    check "detach-$1" vif_detach "$1" 0
    check_guest_dmesg "$1"
    check "destroy-$1" xl destroy "$1"
    sed -i "/^$1 /d" "$LAB_CUR/guests"
    check "domain-gone-$1" wait_until 10 sh -c "! xl domid $1 >/dev/null 2>&1"
}
unload_reload 1
serve_guest r1
unload_reload 2
serve_guest r2
check_eq backend-still-loaded "$B" "$(backend_current)"
