package io.xenmigration.xapisim.model;

import static io.xenmigration.xapisim.model.Records.fields;

import java.util.List;
import java.util.Map;

/** A physical interface of a host on one network, with its IP configuration. */
public final class SimPif extends XObject {

  public final SimHost host;
  public final SimNetwork network;
  public String device = "eth0";
  public String mac;
  public boolean management;

  /** Empty when the interface has no IP configuration. */
  public String ip = "";

  public SimPif(SimPool pool, SimHost host, SimNetwork network) {
    super(pool);
    this.host = host;
    this.network = network;
  }

  @Override
  public XClass xclass() {
    return XClass.PIF;
  }

  @Override
  public Map<String, Object> record() {
    return fields(
        "uuid",
        uuid,
        "device",
        device,
        "network",
        network.ref,
        "host",
        host.ref,
        "MAC",
        mac,
        "MTU",
        1500L,
        "VLAN",
        -1L,
        "metrics",
        NULL_REF,
        "physical",
        true,
        "currently_attached",
        true,
        "ip_configuration_mode",
        ip.isEmpty() ? "None" : "Static",
        "IP",
        ip,
        "netmask",
        ip.isEmpty() ? "" : "255.255.255.0",
        "gateway",
        "",
        "DNS",
        "",
        "bond_slave_of",
        NULL_REF,
        "bond_master_of",
        List.of(),
        "VLAN_master_of",
        NULL_REF,
        "VLAN_slave_of",
        List.of(),
        "management",
        management,
        "other_config",
        otherConfig,
        "disallow_unplug",
        false,
        "tunnel_access_PIF_of",
        List.of(),
        "tunnel_transport_PIF_of",
        List.of(),
        "ipv6_configuration_mode",
        "None",
        "IPv6",
        List.of(),
        "ipv6_gateway",
        "",
        "primary_address_type",
        "IPv4",
        "managed",
        true,
        "properties",
        Map.of(),
        "capabilities",
        List.of(),
        "igmp_snooping_status",
        "unknown",
        "sriov_physical_PIF_of",
        List.of(),
        "sriov_logical_PIF_of",
        List.of(),
        "PCI",
        NULL_REF);
  }
}
