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
 * One request to move one running VM to another host, watched through its status.
 *
 * <p>The printer columns are listed in the order {@code kubectl get} shows them; the build keeps
 * that order in the generated CRD.
 */
@Group(ApiGroup.NAME)
@Version(ApiGroup.VERSION)
@Plural("livemigrations")
@ShortNames("lm")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(
    name = "PHASE",
    jsonPath = ".status.phase",
    getDescription = "Where the migration is in its life cycle")
@AdditionalPrinterColumn(name = "VM", jsonPath = ".spec.vm", getDescription = "The VM to move")
@AdditionalPrinterColumn(
    name = "SOURCE",
    jsonPath = ".status.sourceHost",
    getDescription = "Host the VM was running on")
@AdditionalPrinterColumn(
    name = "DESTINATION",
    jsonPath = ".status.destinationHost",
    getDescription = "Host the VM is moving to")
@AdditionalPrinterColumn(
    name = "PROGRESS",
    jsonPath = ".status.progress",
    type = Type.INTEGER,
    getDescription = "Percent of the migration done")
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class LiveMigration extends CustomResource<LiveMigrationSpec, LiveMigrationStatus>
    implements Namespaced {

  @Override
  @Required
  public LiveMigrationSpec getSpec() {
    return super.getSpec();
  }
}
