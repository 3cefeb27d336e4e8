package io.xenmigration.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One request to take one host out of service: plan, disable, drain, hold, and put it back when the
 * object is deleted or cancelled.
 *
 * <p>The printer columns are listed in the order {@code kubectl get} shows them.
 */
@Group(ApiGroup.NAME)
@Version(ApiGroup.VERSION)
@Plural("hostmaintenances")
@ShortNames("hm")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(
    name = "PHASE",
    jsonPath = ".status.phase",
    getDescription = "Where the maintenance is in its life cycle")
@AdditionalPrinterColumn(name = "HOST", jsonPath = ".spec.host", getDescription = "The host")
@AdditionalPrinterColumn(
    name = "MOVED",
    jsonPath = ".status.progress.moved",
    type = Type.INTEGER,
    getDescription = "VMs moved off")
@AdditionalPrinterColumn(
    name = "TOTAL",
    jsonPath = ".status.progress.total",
    type = Type.INTEGER,
    getDescription = "VMs to move off")
@AdditionalPrinterColumn(
    name = "BLOCKED",
    jsonPath = ".status.progress.blocked",
    type = Type.INTEGER,
    getDescription = "VMs that cannot move now")
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class HostMaintenance extends CustomResource<HostMaintenanceSpec, HostMaintenanceStatus>
    implements Namespaced {

  @Override
  @Required
  public HostMaintenanceSpec getSpec() {
    return super.getSpec();
  }
}
