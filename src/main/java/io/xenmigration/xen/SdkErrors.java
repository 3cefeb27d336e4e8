package io.xenmigration.xen;

import com.xensource.xenapi.Types;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcHttpTransportException;

/** Turns whatever the SDK throws into a {@link XenApiException}, classified. */
final class SdkErrors {

  /** The one SDK class whose name does not spell its code in CamelCase. */
  private static final Map<String, String> IRREGULAR_NAMES =
      Map.of("VdiIsAPhysicalDevice", "VDI_IS_A_PHYSICAL_DEVICE");

  private SdkErrors() {}

  /** Converts an SDK failure. */
  static XenApiException convert(Exception e) {
    if (e instanceof XenApiException ours) {
      return ours; // raised by the driver itself inside an SDK call
    }
    if (e instanceof PoolWrites.Refused refused) {
      return refused.error();
    }
    if (e instanceof Types.BadServerResponse bad) {
      List<String> params =
          bad.errorDescription == null ? List.of() : List.of(bad.errorDescription);
      return classified(XenApiException.BAD_SERVER_RESPONSE, params, null, e);
    }
    if (e instanceof Types.XenAPIException xen) {
      List<String> description = describe(xen);
      String code = description.get(0);
      return new XenApiException(
          code, description.subList(1, description.size()), ErrorCatalog.kind(code), null, e, true);
    }
    if (e instanceof XmlRpcHttpTransportException http) {
      return classified(
          XenApiException.BAD_SERVER_RESPONSE,
          List.of(Integer.toString(http.getStatusCode())),
          http.getStatusMessage(),
          e);
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLHandshakeException
          || cause instanceof SSLPeerUnverifiedException
          || cause instanceof CertificateException) {
        return new XenApiException(
            XenApiException.TLS_VERIFICATION_FAILED,
            List.of(),
            XenApiException.Kind.TERMINAL,
            "the pool's TLS certificate is not trusted (" + cause.getMessage() + ")",
            e);
      }
      if (cause instanceof SocketTimeoutException) {
        return classified(XenApiException.TIMEOUT, List.of(), cause.getMessage(), e);
      }
      if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
        return classified(XenApiException.CONNECTION_REFUSED, List.of(), cause.toString(), e);
      }
    }
    if (e instanceof XmlRpcException || e instanceof IOException) {
      return classified(XenApiException.CONNECTION_FAILED, List.of(), String.valueOf(e), e);
    }
    return new XenApiException(
        "INTERNAL_ERROR", List.of(String.valueOf(e)), XenApiException.Kind.TERMINAL, null, e);
  }

  static XenApiException classified(
      String code, List<String> params, String detail, Exception cause) {
    return new XenApiException(code, params, ErrorCatalog.kind(code), detail, cause);
  }

  /**
   * {@code [CODE, params...]}. Typed SDK exceptions leave {@code errorDescription} null: the code
   * is then the class name in UPPER_SNAKE, and the parameters are its public fields, which the SDK
   * fills in wire order.
   */
  static List<String> describe(Types.XenAPIException e) {
    if (e.errorDescription != null && e.errorDescription.length > 0) {
      return List.of(e.errorDescription);
    }
    List<String> description = new ArrayList<>();
    String name = e.getClass().getSimpleName();
    description.add(
        IRREGULAR_NAMES.getOrDefault(
            name, name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)));
    description.addAll(describeParams(e));
    return description;
  }

  private static List<String> describeParams(Types.XenAPIException e) {
    List<String> params = new ArrayList<>();
    for (Field field : e.getClass().getDeclaredFields()) {
      if (Modifier.isPublic(field.getModifiers()) && !Modifier.isStatic(field.getModifiers())) {
        try {
          params.add(String.valueOf(field.get(e)));
        } catch (IllegalAccessException impossible) {
          throw new IllegalStateException(impossible);
        }
      }
    }
    return params;
  }
}
