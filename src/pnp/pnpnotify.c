/*
 * pnp/pnpnotify.c - target device notifications (EventCategoryTargetDeviceChange).
 * Not wired yet: the removal sequences call in here at the points where
 * Windows notifies GUID_TARGET_DEVICE_QUERY_REMOVE / REMOVE_COMPLETE /
 * REMOVE_CANCELLED registrants.
 */
#include "pnp/pnp_int.h"

void pnp_notify_target(struct pnp_node *n, enum pnp_target_event ev)
{
    (void)n;
    (void)ev;
}

void pnp_notify_shutdown(void)
{
}
