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
 * How the operator reaches one XenServer / XCP-ng pool: its master's endpoint and credentials.
 *
 * <p>The printer columns are listed in the order {@code kubectl get} shows them; the build keeps
 * that order in the generated CRD.
 */
@Group(ApiGroup.NAME)
@Version(ApiGroup.VERSION)
@Plural("xenpools")
@ShortNames("xp")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(
    name = "READY",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    getDescription = "Whether the operator can reach and log in to the pool")
@AdditionalPrinterColumn(
    name = "HOSTS",
    jsonPath = ".status.hostCount",
    type = Type.INTEGER,
    getDescription = "Hosts in the pool")
@AdditionalPrinterColumn(
    name = "VMS",
    jsonPath = ".status.vmCount",
    type = Type.INTEGER,
    getDescription =
        "Virtual machines in the pool, without templates, snapshots and control domains")
@AdditionalPrinterColumn(
    name = "VERSION",
    jsonPath = ".status.apiVersion",
    getDescription = "XenAPI version of the pool master")
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class XenPool extends CustomResource<XenPoolSpec, XenPoolStatus> implements Namespaced {

  @Override
  @Required
  public XenPoolSpec getSpec() {
    return super.getSpec();
  }
}
