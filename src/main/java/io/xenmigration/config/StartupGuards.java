package io.xenmigration.config;

import io.quarkus.runtime.StartupEvent;
import io.xenmigration.xen.NoDeserialization;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Process-wide guards set before anything else starts, however the operator's jar is run. */
@ApplicationScoped
public class StartupGuards {

  void install(@Observes @Priority(1) StartupEvent event) {
    NoDeserialization.install();
  }
}
