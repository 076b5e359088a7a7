# Hotplug scripts run from uevents, as udev does with Xen's xen-backend.rules (#17): the backend's "online" uevent carries script= and vif= (also in its sysfs uevent file), a uevent listener doing what those rules do runs "$script online", the vif is on the bridge, hotplug-status=connected, traffic flows; destroying the guest sends "offline" with the same variables and the listener runs "$script offline". The lab's xl runs the script too: since Xen 4.6 libxl always does for a backend in its own domain (run_hotplug_scripts=0 in xl.conf is read but no longer acted on), so this proves the events and what they carry, for toolstacks that leave the scripts to udev rules.
# lab-backend: default
# lab-timeout: 300
# shellcheck shell=dash
log=$LAB_CUR/uevents.log
handler=$LAB_CUR/xen-backend-rules
# What Xen's xen-backend.rules ask udev to do for a vif (vif-setup: "$script" ACTION
# type_if=vif); every uevent is logged, so the listener itself can be checked first.
cat > "$handler" <<EOF
#!/bin/sh
echo "\$ACTION \$DEVPATH subsystem=\$SUBSYSTEM script=\$script vif=\$vif xenbus_path=\$XENBUS_PATH" >> $log
[ "\$SUBSYSTEM" = xen-backend ] || exit 0
case "\$DEVPATH" in */vif-*) ;; *) exit 0 ;; esac
case "\$ACTION" in online|offline)
    [ -n "\$script" ] || exit 0
    echo "ran \$script \$ACTION vif=\$vif" >> $log
    exec "\$script" "\$ACTION" type_if=vif ;;
esac
exit 0
EOF
chmod 755 "$handler"
: > "$log"
busybox uevent "$handler" &
lab_on_cleanup "kill $! 2>/dev/null"

# the precondition: the listener sees uevents (a change event of the bridge)
i=0; while ! grep -q '^change .*/xenbr0 ' "$log" && [ $i -lt 50 ]; do
    echo change > /sys/class/net/xenbr0/uevent; sleep 0.2; i=$((i + 1))
done
check uevent-listener-sees-events grep -q '^change .*/xenbr0 ' "$log" || exit 1
: > /var/log/xen/vif-lab.log

guest_start g1 || exit 1
guest_wait g1 || exit 1
vif=$(guest_vif g1)
dev=vif-$(guest_domid g1)-0
script=$(xenstore-read "/local/domain/0/backend/vif/$(guest_domid g1)/0/script")
info "backend script node: $script; uevents: $(grep -c . "$log")"
online=$(grep "^online .*/$dev " "$log" | head -1)
check_eq online-event-script "script=$script" "$(echo "$online" | tr ' ' '\n' | grep '^script=')"
check_eq online-event-vif "vif=$vif" "$(echo "$online" | tr ' ' '\n' | grep '^vif=')"
# what `udevadm info` would show: the same variables on the device
check_eq sysfs-uevent-script "script=$script" "$(grep '^script=' "/sys/bus/xen-backend/devices/$dev/uevent")"
check_eq sysfs-uevent-vif "vif=$vif" "$(grep '^vif=' "/sys/bus/xen-backend/devices/$dev/uevent")"
check online-script-run-by-listener grep -q "^ran $script online vif=$vif\$" "$log"
check online-script-ran grep -q "vif-lab: online type_if=vif vif=$vif" /var/log/xen/vif-lab.log
check_eq hotplug-status connected "$(xenstore-read "/local/domain/0/backend/vif/$(guest_domid g1)/0/hotplug-status")"
check_eq vif-on-bridge xenbr0 "$(basename "$(readlink "/sys/class/net/$vif/master")")"
xfer_g2d g1 8
xfer_d2g g1 8

xl destroy g1
: > "$LAB_CUR/guests"
wait_until 10 grep -q "^offline .*/$dev " "$log"
offline=$(grep "^offline .*/$dev " "$log" | head -1)
check_eq offline-event-script "script=$script" "$(echo "$offline" | tr ' ' '\n' | grep '^script=')"
check_eq offline-event-vif "vif=$vif" "$(echo "$offline" | tr ' ' '\n' | grep '^vif=')"
check offline-script-run-by-listener wait_until 5 grep -q "^ran $script offline vif=$vif\$" "$log"
