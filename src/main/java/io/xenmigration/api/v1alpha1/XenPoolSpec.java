package io.xenmigration.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Where a pool's master listens, which Secrets hold its credentials, and how hard we may use it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class XenPoolSpec {

  /** An http(s) URL with a host and no user information; the path and port are optional. */
  static final String URL_PATTERN = "^https?://[^\\s/?#@]+([/?#]\\S*)?$";

  @Required
  @Pattern(URL_PATTERN)
  @Size(max = 2048)
  @JsonPropertyDescription(
      "XenAPI endpoint of the pool master, such as https://xen-master.example.com (http:// only"
          + " when the operator is installed with pools.allowInsecure=true). A pool member's"
          + " address also works: the operator follows it to the master.")
  private String url;

  @Required
  @Pattern(ApiGroup.OBJECT_NAME_PATTERN)
  @Size(max = ApiGroup.OBJECT_NAME_MAX_LENGTH)
  @JsonPropertyDescription(
      "Name of a Secret in this namespace with the keys 'username' and 'password' of a pool"
          + " administrator. The operator uses it only if it is labelled"
          + " xenmigration.io/pool-secret=true and its annotation xenmigration.io/pool-urls lists"
          + " spec.url.")
  private String credentialsSecret;

  @Pattern(ApiGroup.OBJECT_NAME_PATTERN)
  @Size(max = ApiGroup.OBJECT_NAME_MAX_LENGTH)
  @JsonPropertyDescription(
      "Name of a Secret in this namespace, labelled xenmigration.io/pool-secret=true, whose key"
          + " 'ca.crt' holds the PEM certificate authority that signed the pool's TLS"
          + " certificate; the credentials Secret must name the same one in its annotation"
          + " xenmigration.io/pool-ca. Without it the JVM's trusted authorities are used.")
  private String caSecret;

  @Default("false")
  @JsonPropertyDescription(
      "Accept any TLS certificate from the pool. Only for test pools: it lets anyone on the path"
          + " read the pool credentials, so it is refused unless the operator is installed with"
          + " pools.allowInsecure=true.")
  private Boolean insecureSkipTlsVerify;

  @Size(min = 1, max = ApiGroup.XEN_NAME_MAX_LENGTH)
  @JsonPropertyDescription(
      "Name-label of the network that carries migration traffic. Default: the management"
          + " network.")
  private String migrationNetwork;

  @Default("{}")
  @JsonPropertyDescription("How many migrations the operator runs at once in this pool.")
  private PoolLimits limits;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Names of the XenPools in this namespace whose VMs may be migrated into this pool"
          + " (CrossPoolMigrate). A cross-pool migration hands the source pool a session on this"
          + " one, so it runs only from a pool listed here. Default: none.")
  private java.util.List<String> acceptMigrationsFrom;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(String credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }

  public String getCaSecret() {
    return caSecret;
  }

  public void setCaSecret(String caSecret) {
    this.caSecret = caSecret;
  }

  public Boolean getInsecureSkipTlsVerify() {
    return insecureSkipTlsVerify;
  }

  public void setInsecureSkipTlsVerify(Boolean insecureSkipTlsVerify) {
    this.insecureSkipTlsVerify = insecureSkipTlsVerify;
  }

  public String getMigrationNetwork() {
    return migrationNetwork;
  }

  public void setMigrationNetwork(String migrationNetwork) {
    this.migrationNetwork = migrationNetwork;
  }

  public java.util.List<String> getAcceptMigrationsFrom() {
    return acceptMigrationsFrom;
  }

  public void setAcceptMigrationsFrom(java.util.List<String> acceptMigrationsFrom) {
    this.acceptMigrationsFrom = acceptMigrationsFrom;
  }

  public PoolLimits getLimits() {
    return limits;
  }

  public void setLimits(PoolLimits limits) {
    this.limits = limits;
  }
}
