package io.xenmigration.sandbox;

import static io.xenmigration.sandbox.ApiDocuments.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads the Kubernetes protobuf encoding of the few kinds clients send that way here: helm stores
 * its releases in Secrets (or ConfigMaps) through client-go, which writes them as protobuf. Field
 * numbers are those of {@code k8s.io/api/core/v1/generated.proto}.
 */
final class ProtobufObjects {

  /** The envelope's first bytes: "k8s" and a zero. */
  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

  private ProtobufObjects() {}

  static boolean isProtobuf(String contentType) {
    return contentType != null && contentType.startsWith("application/vnd.kubernetes.protobuf");
  }

  /** The object as JSON; an IOException for anything but a Secret or a ConfigMap. */
  static ObjectNode decode(byte[] body) throws IOException {
    if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, 4), MAGIC)) {
      throw new IOException("not a Kubernetes protobuf envelope");
    }
    CodedInputStream unknown = CodedInputStream.newInstance(body, 4, body.length - 4);
    String apiVersion = "";
    String kind = "";
    byte[] raw = new byte[0];
    for (int tag = unknown.readTag(); tag != 0; tag = unknown.readTag()) {
      switch (tag >>> 3) {
        case 1 -> {
          CodedInputStream typeMeta = unknown.readBytes().newCodedInput();
          for (int t = typeMeta.readTag(); t != 0; t = typeMeta.readTag()) {
            switch (t >>> 3) {
              case 1 -> apiVersion = typeMeta.readString();
              case 2 -> kind = typeMeta.readString();
              default -> typeMeta.skipField(t);
            }
          }
        }
        case 2 -> raw = unknown.readByteArray();
        default -> unknown.skipField(tag);
      }
    }
    ObjectNode object = JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
    CodedInputStream in = CodedInputStream.newInstance(raw);
    switch (kind) {
      case "Secret" -> {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          switch (tag >>> 3) {
            case 1 -> object.set("metadata", metadata(in.readBytes().newCodedInput()));
            case 2 -> mapEntry(in.readBytes().newCodedInput(), object.with("data"), true);
            case 3 -> object.put("type", in.readString());
            case 4 -> mapEntry(in.readBytes().newCodedInput(), object.with("stringData"), false);
            case 5 -> object.put("immutable", in.readBool());
            default -> in.skipField(tag);
          }
        }
      }
      case "ConfigMap" -> {
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          switch (tag >>> 3) {
            case 1 -> object.set("metadata", metadata(in.readBytes().newCodedInput()));
            case 2 -> mapEntry(in.readBytes().newCodedInput(), object.with("data"), false);
            case 3 -> mapEntry(in.readBytes().newCodedInput(), object.with("binaryData"), true);
            case 4 -> object.put("immutable", in.readBool());
            default -> in.skipField(tag);
          }
        }
      }
      default -> throw new IOException("protobuf bodies of kind " + kind + " are not supported");
    }
    return object;
  }

  private static ObjectNode metadata(CodedInputStream in) throws IOException {
    ObjectNode metadata = JSON.createObjectNode();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag >>> 3) {
        case 1 -> metadata.put("name", in.readString());
        case 2 -> metadata.put("generateName", in.readString());
        case 3 -> metadata.put("namespace", in.readString());
        case 5 -> metadata.put("uid", in.readString());
        case 6 -> metadata.put("resourceVersion", in.readString());
        case 7 -> metadata.put("generation", in.readInt64());
        case 8 -> metadata.put("creationTimestamp", time(in.readBytes().newCodedInput()));
        case 11 -> mapEntry(in.readBytes().newCodedInput(), metadata.with("labels"), false);
        case 12 -> mapEntry(in.readBytes().newCodedInput(), metadata.with("annotations"), false);
        case 14 -> {
          ArrayNode finalizers =
              metadata.has("finalizers")
                  ? (ArrayNode) metadata.get("finalizers")
                  : metadata.putArray("finalizers");
          finalizers.add(in.readString());
        }
        default -> in.skipField(tag);
      }
    }
    return metadata;
  }

  private static String time(CodedInputStream in) throws IOException {
    long seconds = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag >>> 3 == 1) {
        seconds = in.readInt64();
      } else {
        in.skipField(tag);
      }
    }
    return Instant.ofEpochSecond(seconds).toString();
  }

  /** One entry of a protobuf map: key 1, value 2; byte values become base64 as in JSON. */
  private static void mapEntry(CodedInputStream in, ObjectNode into, boolean bytes)
      throws IOException {
    String key = "";
    String value = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag >>> 3) {
        case 1 -> key = in.readString();
        case 2 ->
            value =
                bytes ? Base64.getEncoder().encodeToString(in.readByteArray()) : in.readString();
        default -> in.skipField(tag);
      }
    }
    into.put(key, value);
  }
}
