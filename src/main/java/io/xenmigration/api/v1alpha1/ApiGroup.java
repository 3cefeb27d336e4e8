package io.xenmigration.api.v1alpha1;

/** Names shared by every kind of the {@code xenmigration.io/v1alpha1} API. */
public final class ApiGroup {

  /** The API group of all our kinds. */
  public static final String NAME = "xenmigration.io";

  /** The one served and stored version. */
  public static final String VERSION = "v1alpha1";

  /** {@code kubectl get xen} lists every kind of ours. */
  public static final String CATEGORY = "xen";

  /** What a Kubernetes object name (a DNS-1123 subdomain) may look like. */
  public static final String OBJECT_NAME_PATTERN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** The longest Kubernetes object name. */
  public static final long OBJECT_NAME_MAX_LENGTH = 253;

  /** XenAPI name-labels and UUIDs are free text; this bounds them for the API server's CEL cost. */
  public static final long XEN_NAME_MAX_LENGTH = 255;

  private ApiGroup() {}
}
