package io.xenmigration.xapisim.wire;

import java.util.List;

/**
 * A method call as received, whatever the transport: its name and its parameters, decoded to {@link
 * String}, {@link Boolean}, {@link Integer} or {@link Long}, {@link Double}, {@link
 * java.time.Instant}, {@code byte[]}, {@code Map<String, Object>} and {@code List<Object>}.
 */
public record RpcCall(String method, List<Object> params) {}
