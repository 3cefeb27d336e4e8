package io.xenmigration.maintenance;

import io.xenmigration.xen.XenApiException;

/** Decides what follows one phase of a maintenance; it reads the pool, never changes it. */
interface MaintenanceHandler {

  MaintenanceOutcome decide(MaintenanceLook look) throws XenApiException;
}
