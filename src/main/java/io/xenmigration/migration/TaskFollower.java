package io.xenmigration.migration;

import io.xenmigration.pool.PoolDrivers;
import io.xenmigration.xen.MigrationTask;
import io.xenmigration.xen.PoolApi;
import io.xenmigration.xen.TaskChanges;
import io.xenmigration.xen.XenApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows the XenAPI tasks of running migrations with {@code event.from}, one long wait per pool
 * for all its tasks: an ending task wakes its migration at once, progress at most once a second,
 * each with the task's newest state, so progress costs no call of its own, nobody polls on a fixed
 * beat, and a pool reporting every percent does not turn into a status write per percent.
 */
public final class TaskFollower implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TaskFollower.class.getName());

  /** How long one {@code event.from} waits for a change; well under the reply timeout. */
  static final Duration WAIT = Duration.ofSeconds(10);

  /** How soon a pool's watch starts again after XenAPI failed it. */
  static final Duration AFTER_FAILURE = Duration.ofSeconds(2);

  /** How old a task state may be and still stand for the task (else it is read again). */
  static final Duration FRESH = Duration.ofSeconds(5);

  /**
   * Progress alone wakes a migration at most this often: enough for a person watching, and it keeps
   * a hundred migrations reporting every percent from writing thousands of statuses a second.
   */
  static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

  /**
   * How long a pool's changes gather after a batch of mere progress before the next {@code
   * event.from}: the pool coalesces each task's changes meanwhile, so however often tasks report,
   * following them costs at most one call per pause, and an ending task is seen this much later at
   * most.
   */
  static final Duration GATHER = Duration.ofMillis(20);

  /**
   * A task as one pool names it: refs are the pool's to choose, so a ref another pool reports is
   * never taken for this one's task.
   */
  private record TaskKey(String pool, String ref) {}

  private record Seen(MigrationTask task, Instant at) {}

  private final PoolDrivers drivers;
  private final Clock clock;

  /**
   * The migrations following each task. Several may name one task (a status can say anything): each
   * is woken, and each judges the task by its own tag.
   */
  private final Map<TaskKey, Set<String>> byTask = new ConcurrentHashMap<>();

  private final Map<TaskKey, Seen> latest = new ConcurrentHashMap<>();
  private final Map<String, Boolean> watching = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastWoken = new ConcurrentHashMap<>();
  private final Set<String> wakeDue = ConcurrentHashMap.newKeySet();

  /** The pools' long waits, a thread each while they last. */
  private final ExecutorService threads =
      Executors.newCachedThreadPool(daemon("xenapi-task-events"));

  /** Starts a pool's watch again after a pause. */
  private final ScheduledExecutorService later =
      Executors.newSingleThreadScheduledExecutor(daemon("xenapi-task-events-retry"));

  private volatile Wakeups wakeups = Wakeups.NONE;
  private volatile boolean closed;
  private final boolean enabled;

  public TaskFollower(PoolDrivers drivers, Clock clock) {
    this(drivers, clock, true);
  }

  private TaskFollower(PoolDrivers drivers, Clock clock, boolean enabled) {
    this.drivers = drivers;
    this.clock = clock;
    this.enabled = enabled;
  }

  /**
   * A follower that follows nothing: migrations read their tasks themselves on their own beat. For
   * tests that step time by hand and must see every task state when they read it.
   */
  public static TaskFollower disabled() {
    return new TaskFollower(null, Clock.systemUTC(), false);
  }

  /** Who to wake when a followed task changes. */
  public void wakeWith(Wakeups wakeups) {
    this.wakeups = wakeups;
  }

  /**
   * Follows a migration's task in a pool (namespace/name); following it again changes nothing. A
   * migration that starts following a task whose end was already seen is woken at once, since no
   * event of that task may come again.
   */
  public void follow(String pool, String taskRef, String migration) {
    if (!enabled) {
      return;
    }
    TaskKey key = new TaskKey(pool, taskRef);
    if (!byTask.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(migration)) {
      return;
    }
    // Read after joining the followers: an end recorded later wakes this migration with the rest.
    Seen seen = latest.get(key);
    if (seen != null && seen.task().status() != MigrationTask.Status.PENDING) {
      wake(migration, true, clock.instant());
    }
    if (watching.putIfAbsent(pool, Boolean.TRUE) == null) {
      try {
        threads.execute(() -> watch(pool, ""));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        watching.remove(pool); // closing
      }
    }
  }

  /** Stops following whatever task a migration had. */
  public void forget(String migration) {
    byTask
        .entrySet()
        .removeIf(
            e -> {
              e.getValue().remove(migration);
              return e.getValue().isEmpty();
            });
    latest.keySet().retainAll(byTask.keySet());
    lastWoken.remove(migration);
    wakeDue.remove(migration);
  }

  /** The task's state as its pool's last event told, if recent enough to stand for it. */
  public Optional<MigrationTask> latest(String pool, String taskRef) {
    Seen seen = latest.get(new TaskKey(pool, taskRef));
    if (seen == null || Duration.between(seen.at(), clock.instant()).compareTo(FRESH) > 0) {
      return Optional.empty();
    }
    return Optional.of(seen.task());
  }

  /** One wait for changes in a pool; runs again while the pool has tasks to follow. */
  private void watch(String pool, String token) {
    boolean goesOn = false;
    try {
      goesOn = watchOnce(pool, token);
    } finally {
      if (!goesOn) {
        watching.remove(pool);
        // A task followed while this watch was ending must not be left without one.
        if (!closed
            && byTask.keySet().stream().anyMatch(k -> k.pool().equals(pool))
            && watching.putIfAbsent(pool, Boolean.TRUE) == null) {
          restartLater(pool);
        }
      }
    }
  }

  /** Returns whether the next step of the pool's watch was handed on. */
  private boolean watchOnce(String pool, String token) {
    if (closed || byTask.keySet().stream().noneMatch(k -> k.pool().equals(pool))) {
      return false;
    }
    PoolApi driver = drivers.existing(pool);
    if (driver == null) {
      return false; // restarted later while tasks remain
    }
    TaskChanges changes;
    try {
      changes = driver.taskChanges(token, WAIT);
    } catch (XenApiException e) {
      LOG.log(Level.FINE, "task events of " + pool + " failed; starting again", e);
      return false;
    }
    Instant now = clock.instant();
    boolean progressOnly = !changes.tasks().isEmpty();
    for (MigrationTask task : changes.tasks()) {
      progressOnly &= task.status() == MigrationTask.Status.PENDING;
      TaskKey key = new TaskKey(pool, task.ref());
      Set<String> followers = byTask.get(key);
      if (followers != null) {
        latest.put(key, new Seen(task, now));
        if (!byTask.containsKey(key)) {
          latest.remove(key); // forgotten meanwhile
        } else {
          for (String migration : followers) {
            wake(migration, task.status() != MigrationTask.Status.PENDING, now);
          }
        }
      }
    }
    String next = changes.token();
    try {
      if (progressOnly) {
        later.schedule(() -> runWatch(pool, next), GATHER.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        threads.execute(() -> watch(pool, next));
      }
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return false; // closing
    }
    return true;
  }

  /** Wakes a migration now, or for progress alone once a second has passed since the last time. */
  private void wake(String migration, boolean ended, Instant now) {
    Instant last = lastWoken.get(migration);
    Instant due = last == null ? now : last.plus(PROGRESS_EVERY);
    if (ended || !now.isBefore(due)) {
      lastWoken.put(migration, now);
      wakeups.migration(migration);
      return;
    }
    if (!wakeDue.add(migration)) {
      return; // a wake-up is already on its way, and it will see the newest state
    }
    try {
      later.schedule(
          () -> {
            if (wakeDue.remove(migration)) {
              lastWoken.put(migration, clock.instant());
              wakeups.migration(migration);
            }
          },
          Duration.between(now, due).toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      wakeDue.remove(migration); // closing
    }
  }

  /** Hands a pool's next wait to the watch threads; when closing, the watch simply ends. */
  private void runWatch(String pool, String token) {
    try {
      threads.execute(() -> watch(pool, token));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      watching.remove(pool); // closing
    }
  }

  private void restartLater(String pool) {
    if (closed) {
      return;
    }
    try {
      later.schedule(() -> runWatch(pool, ""), AFTER_FAILURE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: nothing more to follow
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    closed = true;
    later.shutdownNow();
    threads.shutdownNow();
  }
}
