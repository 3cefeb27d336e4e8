#!/usr/bin/env python3
"""The official Kubernetes Python client (Debian's python3-kubernetes) against an API server.

Usage: kube-client.py KUBECONFIG NAMESPACE

Lists, watches, creates and patches through the typed and the custom-object APIs, as a script
written for a real cluster does, and prints what it saw as one JSON line for the test to check.
"""
import base64
import json
import sys

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException


def main():
    kubeconfig, namespace = sys.argv[1], sys.argv[2]
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    custom = client.CustomObjectsApi()
    report = {}

    # Custom resources, listed through the custom-object API, and one's status subresource.
    pools = custom.list_namespaced_custom_object("xenmigration.io", "v1alpha1", namespace, "xenpools")
    report["pools"] = sorted(p["metadata"]["name"] for p in pools["items"])
    first = report["pools"][0]
    status = custom.get_namespaced_custom_object_status(
        "xenmigration.io", "v1alpha1", namespace, "xenpools", first)
    report["poolReady"] = [c["status"] for c in status["status"]["conditions"] if c["type"] == "Ready"]
    report["statusBeforeDryRun"] = status["status"].get("observedGeneration")
    try:
        custom.list_namespaced_custom_object(
            "xenmigration.io", "v1alpha1", namespace, "xenpools", field_selector="spec.url=x")
        report["unsupportedFieldSelector"] = "accepted"
    except ApiException as e:
        report["unsupportedFieldSelector"] = e.status

    # A Secret written with stringData, read back typed: data holds it, stringData never does.
    labels = {"team": "infra", "client": "python"}
    body = client.V1Secret(
        metadata=client.V1ObjectMeta(name="py-secret", labels=labels),
        string_data={"token": "first"})
    created = core.create_namespaced_secret(namespace, body)
    report["createdType"] = created.type
    report["createdStringData"] = created.string_data
    read = core.read_namespaced_secret("py-secret", namespace)
    report["readData"] = base64.b64decode(read.data["token"]).decode() if read.data else None
    core.patch_namespaced_secret("py-secret", namespace, {"stringData": {"token": "second"}})
    read = core.read_namespaced_secret("py-secret", namespace)
    report["patchedData"] = base64.b64decode(read.data["token"]).decode() if read.data else None

    # A dry-run status patch changes nothing.
    custom.patch_namespaced_custom_object_status(
        "xenmigration.io", "v1alpha1", namespace, "xenpools", first,
        {"status": {"observedGeneration": 999}}, dry_run="All")
    status = custom.get_namespaced_custom_object_status(
        "xenmigration.io", "v1alpha1", namespace, "xenpools", first)
    report["statusAfterDryRun"] = status["status"].get("observedGeneration")

    # A watch with a set-based selector: the Secret enters, changes, leaves by its labels, and
    # each step is taken when the previous event has arrived.
    seen = []
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_secret, namespace,
                          label_selector="team in (infra),client", timeout_seconds=30):
        name = event["object"].metadata.name
        seen.append([event["type"], name])
        if event["type"] == "ADDED" and name == "py-secret":
            core.patch_namespaced_secret(
                "py-secret", namespace, {"metadata": {"annotations": {"step": "one"}}})
        elif event["type"] == "MODIFIED" and name == "py-secret":
            core.patch_namespaced_secret(
                "py-secret", namespace, {"metadata": {"labels": {"team": "apps"}}})
        elif event["type"] == "DELETED":
            w.stop()
    report["watched"] = seen

    # Pages: limit and continue.
    for i in range(3):
        core.create_namespaced_config_map(namespace, client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name="py-page-%d" % i, labels={"client": "python"})))
    pages = []
    token = None
    while True:
        page = core.list_namespaced_config_map(
            namespace, label_selector="client=python", limit=2, _continue=token)
        pages.append([c.metadata.name for c in page.items])
        token = page.metadata._continue
        if not token:
            break
    report["pages"] = pages

    # Events of the pools, by field selector.
    events = core.list_namespaced_event(namespace, field_selector="involvedObject.kind=XenPool")
    report["poolEventKinds"] = sorted({e.involved_object.kind for e in events.items})

    # Deleting by a label selector deletes what it selects, nothing more.
    core.delete_collection_namespaced_config_map(namespace, label_selector="client=python")
    left = core.list_namespaced_config_map(namespace)
    report["configMapsLeft"] = sorted(c.metadata.name for c in left.items)
    core.delete_namespaced_secret("py-secret", namespace)

    print(json.dumps(report))


if __name__ == "__main__":
    main()
