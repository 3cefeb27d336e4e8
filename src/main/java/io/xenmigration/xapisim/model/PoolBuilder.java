package io.xenmigration.xapisim.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a consistent pool: every host gets a control domain, a management PIF with an IP, a local
 * SR and a PBD to each shared SR; every VM gets disks and a network interface.
 */
public final class PoolBuilder {

  /** Memory of each host's control domain. */
  static final long CONTROL_DOMAIN_MEMORY = 1L << 30;

  private final SimPool pool;
  private final int subnet;
  private int macCounter;
  private long nextDomid = 1;

  public PoolBuilder(SimPool pool, int subnet) {
    this.pool = pool;
    this.subnet = subnet;
    if (pool.managementNetwork == null) {
      pool.managementNetwork = addNetwork("Pool-wide network associated with eth0", "xenbr0");
    }
  }

  public SimPool pool() {
    return pool;
  }

  /** A network; each existing host gets a PIF on it without an IP. */
  public SimNetwork addNetwork(String nameLabel, String bridge) {
    SimNetwork network = pool.register(new SimNetwork(pool));
    network.nameLabel = nameLabel;
    network.bridge = bridge;
    for (SimHost host : pool.<SimHost>all(XClass.HOST)) {
      addPif(host, network, false, "");
    }
    return network;
  }

  /** Gives a host an IP on a network, adding the PIF if needed. */
  public SimPif addressOn(SimHost host, SimNetwork network, String ip) {
    SimPif pif = host.pifOn(network);
    if (pif == null) {
      return addPif(host, network, false, ip);
    }
    pif.ip = ip;
    return pif;
  }

  /** A host with its control domain; the first host becomes the master. */
  public SimHost addHost(String nameLabel, long memoryTotal) {
    SimHost host = new SimHost(pool);
    host.nameLabel = nameLabel;
    host.memoryTotal = memoryTotal;
    int index = pool.count(XClass.HOST) + 1;
    host.address = "10." + subnet + "." + (index / 250) + "." + (index % 250 + 1);
    pool.register(host);
    pool.register(host.metrics);
    if (pool.master == null) {
      pool.master = host;
    }
    SimVm dom0 = new SimVm(pool);
    dom0.nameLabel = "Control domain on host: " + nameLabel;
    dom0.isControlDomain = true;
    dom0.memoryStaticMax = CONTROL_DOMAIN_MEMORY;
    dom0.memoryDynamicMax = CONTROL_DOMAIN_MEMORY;
    dom0.memoryDynamicMin = CONTROL_DOMAIN_MEMORY;
    dom0.memoryOverhead = 0;
    dom0.vcpusMax = 4;
    dom0.domid = 0;
    dom0.residentOn = host;
    dom0.affinity = host;
    pool.register(dom0);
    host.controlDomain = dom0;
    host.residentVms.add(dom0);
    for (SimNetwork network : pool.<SimNetwork>all(XClass.NETWORK)) {
      boolean management = network == pool.managementNetwork;
      addPif(host, network, management, management ? host.address : "");
    }
    for (SimSr sr : pool.<SimSr>all(XClass.SR)) {
      if (sr.shared) {
        attach(host, sr);
      }
    }
    SimSr local = pool.register(new SimSr(pool));
    local.nameLabel = "Local storage on " + nameLabel;
    local.type = "lvm";
    pool.sm(local.type);
    local.shared = false;
    local.physicalSize = 1L << 40;
    attach(host, local);
    return host;
  }

  /** An SR every host sees; the first one becomes the pool's default SR. */
  public SimSr addSharedSr(String nameLabel) {
    SimSr sr = pool.register(new SimSr(pool));
    sr.nameLabel = nameLabel;
    sr.type = "nfs";
    pool.sm(sr.type);
    sr.shared = true;
    for (SimHost host : pool.<SimHost>all(XClass.HOST)) {
      attach(host, sr);
    }
    if (pool.defaultSr == null) {
      pool.defaultSr = sr;
    }
    return sr;
  }

  /** The local SR of a host. */
  public SimSr localSr(SimHost host) {
    for (SimPbd pbd : host.pbds) {
      if (!pbd.sr.shared) {
        return pbd.sr;
      }
    }
    throw new IllegalStateException(host.nameLabel + " has no local SR");
  }

  /** A running VM on a host with one disk on the given SR and one VIF on the management network. */
  public SimVm addVm(String nameLabel, SimHost host, long memory, SimSr diskSr, long diskSize) {
    SimVm vm = newVm(nameLabel, memory);
    vm.residentOn = host;
    vm.domid = nextDomid++;
    // A starting VM gets the pool's CPU level: the features every host offers now.
    Map<String, String> level = pool.cpuInfo();
    vm.lastBootCpuFlags.put("vendor", level.get("vendor"));
    vm.lastBootCpuFlags.put("features", level.get("features_hvm"));
    host.residentVms.add(vm);
    addDisk(vm, diskSr, diskSize, "0");
    addCdDrive(vm, "3");
    addVif(vm, pool.managementNetwork, "0");
    return vm;
  }

  /** A halted VM with no host, such as one a test powers on later. */
  public SimVm addHaltedVm(String nameLabel, long memory, SimSr diskSr, long diskSize) {
    SimVm vm = newVm(nameLabel, memory);
    vm.powerState = "Halted";
    addDisk(vm, diskSr, diskSize, "0");
    addVif(vm, pool.managementNetwork, "0");
    return vm;
  }

  private SimVm newVm(String nameLabel, long memory) {
    SimVm vm = pool.register(new SimVm(pool));
    vm.nameLabel = nameLabel;
    vm.memoryStaticMax = memory;
    vm.memoryDynamicMax = memory;
    vm.memoryDynamicMin = memory;
    vm.memoryStaticMin = Math.min(memory, 512L << 20);
    return vm;
  }

  /** A template, which must never be offered as a VM to migrate. */
  public SimVm addTemplate(String nameLabel) {
    SimVm template = pool.register(new SimVm(pool));
    template.nameLabel = nameLabel;
    template.powerState = "Halted";
    template.isATemplate = true;
    template.isDefaultTemplate = true;
    return template;
  }

  /** A snapshot of a VM, with a copy of its first disk on the same SR. */
  public SimVm addSnapshot(SimVm vm, String nameLabel) {
    SimVm snapshot = pool.register(new SimVm(pool));
    snapshot.nameLabel = nameLabel;
    snapshot.powerState = "Halted";
    snapshot.isASnapshot = true;
    snapshot.isATemplate = true;
    snapshot.snapshotOf = vm;
    snapshot.memoryStaticMax = vm.memoryStaticMax;
    snapshot.memoryDynamicMax = vm.memoryDynamicMax;
    vm.snapshots.add(snapshot);
    SimVbd original = vm.vbds.stream().filter(v -> !v.empty()).findFirst().orElse(null);
    if (original != null) {
      SimVdi copy = addDisk(snapshot, original.vdi.sr, original.vdi.virtualSize, "0").vdi;
      copy.isASnapshot = true;
    }
    for (SimVif vif : vm.vifs) {
      SimVif snapshotVif = addVif(snapshot, vif.network, vif.device);
      snapshotVif.mac = vif.mac;
    }
    return snapshot;
  }

  /** Adds a disk to a VM. */
  public SimVbd addDisk(SimVm vm, SimSr sr, long size, String userdevice) {
    SimVdi vdi = pool.register(new SimVdi(pool));
    vdi.nameLabel = vm.nameLabel + " disk " + userdevice;
    vdi.sr = sr;
    vdi.virtualSize = size;
    sr.vdis.add(vdi);
    SimVbd vbd = pool.register(new SimVbd(pool, vm));
    vbd.vdi = vdi;
    vbd.userdevice = userdevice;
    vbd.bootable = "0".equals(userdevice);
    vdi.vbds.add(vbd);
    vm.vbds.add(vbd);
    return vbd;
  }

  /** Adds an empty CD drive, which migration must leave out of the VDI map. */
  public SimVbd addCdDrive(SimVm vm, String userdevice) {
    SimVbd vbd = pool.register(new SimVbd(pool, vm));
    vbd.type = "CD";
    vbd.mode = "RO";
    vbd.userdevice = userdevice;
    vm.vbds.add(vbd);
    return vbd;
  }

  /** Adds a network interface to a VM. */
  public SimVif addVif(SimVm vm, SimNetwork network, String device) {
    SimVif vif = pool.register(new SimVif(pool, vm));
    vif.network = network;
    vif.device = device;
    vif.mac = nextMac();
    network.vifs.add(vif);
    vm.vifs.add(vif);
    return vif;
  }

  private SimPif addPif(SimHost host, SimNetwork network, boolean management, String ip) {
    SimPif pif = pool.register(new SimPif(pool, host, network));
    pif.device = "eth" + host.pifs.size();
    pif.mac = nextMac();
    pif.management = management;
    pif.ip = Objects.requireNonNullElse(ip, "");
    host.pifs.add(pif);
    network.pifs.add(pif);
    return pif;
  }

  private void attach(SimHost host, SimSr sr) {
    SimPbd pbd = pool.register(new SimPbd(pool, host, sr));
    host.pbds.add(pbd);
    sr.pbds.add(pbd);
  }

  private String nextMac() {
    int n = ++macCounter;
    return String.format(
        "c2:%02x:%02x:%02x:%02x:%02x",
        subnet & 0xff, (n >> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  }

  /** Hosts in creation order. */
  public List<SimHost> hosts() {
    return pool.all(XClass.HOST);
  }
}
