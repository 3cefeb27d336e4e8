// Drives a pool the way Xen Orchestra does, through its own XenAPI connector (npm "xen-api"):
// connect, cache every object through events, live-migrate one VM with Async.VM.pool_migrate,
// watch the task to its end and wait for the VM's resident_on to change in the cache.
//
// node xo-client.mjs URL USER PASSWORD TRANSPORT VM_NAME HOST_NAME
// VM_NAME "-" only connects and caches; HOST_NAME "-" is any other enabled host.
// TRANSPORT is "auto" (JSON-RPC, XML-RPC when refused), "json-rpc" or "xml-rpc".
// Prints one JSON line with what the client saw; exits non-zero on any failure.

import { createClient } from 'xen-api'

const [url, user, password, transport, vmName, hostName] = process.argv.slice(2)
const deadline = Date.now() + 60_000

function fail(message) {
  console.error(message)
  process.exit(1)
}

async function until(what, condition) {
  while (!condition()) {
    if (Date.now() > deadline) fail('timed out waiting for ' + what)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

const xapi = createClient({
  url,
  auth: { user, password },
  allowUnauthorized: true,
  transport,
  debounce: 20,
  eventPollDelay: 500,
})
xapi.on('eventFetchingError', error => fail('event loop failed: ' + error))

await xapi.connect()
await xapi.objectsFetched

const all = Object.values(xapi.objects.all)
const cached = {}
for (const object of all) cached[object.$type] = (cached[object.$type] ?? 0) + 1

if (vmName === '-') {
  // Connect and cache only.
  console.log(JSON.stringify({ pool: xapi.pool.name_label, cached }))
  await xapi.disconnect()
  process.exit(0)
}

const vm = all.find(o => o.$type === 'VM' && o.name_label === vmName && !o.is_a_template)
// HOST_NAME "-" picks any other enabled host of the pool.
const host = all.find(o =>
  o.$type === 'host' && (hostName === '-' ? o.enabled && o.$ref !== vm?.resident_on : o.name_label === hostName)
)
if (vm === undefined || host === undefined) fail('VM ' + vmName + ' or host ' + hostName + ' not cached')
const from = xapi.getObjectByRef(vm.resident_on).name_label

// callAsync calls Async.VM.pool_migrate, watches the task through events until it succeeds, then
// destroys it.
const taskResult = await xapi.callAsync('VM.pool_migrate', vm.$ref, host.$ref, { live: 'true' })
await until('resident_on to change in the cache', () => xapi.getObjectByRef(vm.$ref).resident_on === host.$ref)
const moved = xapi.getObjectByRef(vm.$ref)

// A property of the pool read back through the cache after a change of our own: Xen Orchestra's
// barrier writes a key to the pool's other_config and waits for its event.
await xapi.barrier()

console.log(
  JSON.stringify({
    pool: xapi.pool.name_label,
    cached,
    from,
    to: xapi.getObjectByRef(moved.resident_on).name_label,
    powerState: moved.power_state,
    taskResult,
  })
)
await xapi.disconnect()
process.exit(0)
