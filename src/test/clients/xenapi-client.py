"""Drives a pool the way XenAPI.py, the official Python binding, does: xmlrpc.client, results
unwrapped from {Status, Value}, failures raised with their ErrorDescription, events read with
event.from; live-migrates one VM with Async.VM.pool_migrate and follows the task and the VM's
resident_on through events.

python3 xenapi-client.py URL USER PASSWORD VM_NAME HOST_NAME
VM_NAME "-" only connects and caches; HOST_NAME "-" is any other enabled host.
Prints one JSON line with what the client saw; exits non-zero on any failure.
"""

import json
import ssl
import sys
import time
import xmlrpc.client


class Failure(Exception):
    def __init__(self, details):
        super().__init__(details)
        self.details = details


class Session(xmlrpc.client.ServerProxy):
    """A XenAPI session: calls as session.xenapi.VM.get_all(), the session passed for you."""

    def __init__(self, uri):
        context = ssl._create_unverified_context() if uri.startswith("https") else None
        super().__init__(uri, allow_none=True, context=context)
        self._session = None

    def call(self, method, *params):
        # XenAPI.py adds the session to every call but the login ones.
        full = params if method.startswith("session.login") else (self._session,) + params
        result = getattr(self, "_ServerProxy__request")(method, full)
        if result["Status"] != "Success":
            raise Failure(result["ErrorDescription"])
        return result.get("Value")

    def login(self, user, password):
        self._session = self.call("session.login_with_password", user, password, "2.14", "xenapi-client.py")
        # As XenAPI.py does right after logging in: find the API version through the master.
        master = self.call("pool.get_master", self.call("pool.get_all")[0])
        return (self.call("host.get_API_version_major", master), self.call("host.get_API_version_minor", master))


def main():
    url, user, password, vm_name, host_name = sys.argv[1:6]
    session = Session(url)
    version = session.login(user, password)
    deadline = time.time() + 60

    # Cache every object of the classes XenAPI.py's users usually watch, then follow events.
    classes = ["vm", "host", "task", "pool", "sr", "vdi", "vbd", "vif", "network", "pif", "pbd"]
    first = session.call("event.from", classes, "", 0.0)
    cache = {event["ref"]: event for event in first["events"]}
    cached = {}
    for event in first["events"]:
        cached[event["class"]] = cached.get(event["class"], 0) + 1
    token = first["token"]
    if vm_name == "-":  # connect and cache only
        session.call("session.logout")
        print(json.dumps({"apiVersion": [int(version[0]), int(version[1])], "cached": cached}))
        return

    vm = session.call("VM.get_by_name_label", vm_name)[0]
    resident_on = session.call("VM.get_resident_on", vm)
    if host_name == "-":  # any other enabled host
        host = next(ref for ref, record in session.call("host.get_all_records").items()
                    if record["enabled"] and ref != resident_on)
    else:
        host = session.call("host.get_by_name_label", host_name)[0]
    source = session.call("host.get_name_label", resident_on)
    target = session.call("host.get_name_label", host)
    try:
        session.call("VM.pool_migrate", vm, "OpaqueRef:NULL", {"live": "true"})
        raise SystemExit("a migration to OpaqueRef:NULL was accepted")
    except Failure as failure:
        refused = failure.details

    task = session.call("Async.VM.pool_migrate", vm, host, {"live": "true"})
    status, resident, progress_seen = "pending", None, set()
    while status == "pending" or resident != host:
        if time.time() > deadline:
            raise SystemExit("timed out: task %s, VM on %s" % (status, resident))
        batch = session.call("event.from", classes, token, 5.0)
        token = batch["token"]
        for event in batch["events"]:
            snapshot = event.get("snapshot", {})
            if event["ref"] == task and event["operation"] != "del":
                status = snapshot["status"]
                progress_seen.add(round(float(snapshot["progress"]), 2))
            if event["ref"] == vm and event["operation"] == "mod":
                resident = snapshot["resident_on"]
    error = session.call("task.get_error_info", task)
    session.call("task.destroy", task)
    counts = batch["valid_ref_counts"]
    session.call("session.logout")
    print(json.dumps({
        "apiVersion": [int(version[0]), int(version[1])],
        "cached": cached,
        "validRefCounts": {key: int(value) for key, value in counts.items()},
        "from": source,
        "to": target,
        "status": status,
        "errorInfo": error,
        "progressReports": len(progress_seen),
        "refused": refused,
    }))


if __name__ == "__main__":
    main()
