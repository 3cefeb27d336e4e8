package io.xenmigration.sandbox;

import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurationServiceCustomizer;
import jakarta.inject.Singleton;
import java.util.function.Consumer;

/**
 * In the sandbox the operator patches status with JSON patches, which the embedded API understands,
 * instead of server-side apply; against a real cluster nothing changes.
 */
@Singleton
public class SandboxConfiguration implements ConfigurationServiceCustomizer {

  @Override
  public Consumer<ConfigurationServiceOverrider> overrider() {
    return overrider -> {
      if (SandboxRun.active()) {
        overrider.withUseSSAToPatchPrimaryResource(false);
      }
    };
  }
}
