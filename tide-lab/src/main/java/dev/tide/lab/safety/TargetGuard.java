package dev.tide.lab.safety;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether the lab may send load to an address. Strict by default: only loopback
 * (127.0.0.0/8 and ::1). A harness that created its own test hosts (network namespaces with
 * their own addresses) passes those exact addresses as an allow-list; nothing else is ever a
 * target, private ranges included. Every connection the lab opens, including ones learned from
 * a MOVED/ASK redirect or a CLUSTER SLOTS reply, is checked here first.
 */
public final class TargetGuard {

  /** Loopback only, no extra addresses. */
  public static final TargetGuard LOOPBACK_ONLY = new TargetGuard(Set.of());

  private final Set<InetAddress> allowed;

  private TargetGuard(Set<InetAddress> allowed) {
    this.allowed = allowed;
  }

  /**
   * A guard that also allows these literal IP addresses (no host names, no ranges: a harness
   * names the exact addresses of the test hosts it made).
   */
  public static TargetGuard allowing(List<String> literalAddresses) {
    Set<InetAddress> set = new LinkedHashSet<>();
    for (String a : literalAddresses) {
      String s = a.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (!isIpLiteral(s)) {
        throw new IllegalArgumentException("allowed address must be a literal IP address, got '" + s + "'");
      }
      try {
        set.add(InetAddress.getByName(s));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("bad address '" + s + "'", e);
      }
    }
    return new TargetGuard(Set.copyOf(set));
  }

  /** Resolves {@code host} (only "localhost" or an IP literal) and checks it; throws when refused. */
  public InetSocketAddress check(String host, int port) {
    if (port <= 0 || port > 65535) {
      throw new TargetRefusedException("port out of range: " + port);
    }
    InetAddress address;
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      address = InetAddress.getLoopbackAddress();
    } else if (isIpLiteral(h)) {
      try {
        address = InetAddress.getByName(h);
      } catch (UnknownHostException e) {
        throw new TargetRefusedException("bad address '" + host + "'");
      }
    } else {
      // Names are not resolved: a name could point anywhere, and resolving it is traffic too.
      throw new TargetRefusedException("refusing target '" + host + "': give a loopback IP address "
          + "(127.0.0.0/8, ::1) or 'localhost'");
    }
    if (!isAllowed(address)) {
      throw new TargetRefusedException("refusing target " + address.getHostAddress() + ":" + port
          + ": the lab only loads loopback (127.0.0.0/8, ::1) and the test hosts a harness allows explicitly");
    }
    return new InetSocketAddress(address, port);
  }

  public boolean isAllowed(InetAddress address) {
    return address.isLoopbackAddress() || allowed.contains(address);
  }

  public Set<InetAddress> allowed() {
    return allowed;
  }

  static boolean isIpLiteral(String s) {
    if (s.indexOf(':') >= 0) {
      return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** The address is not one the lab may send load to. */
  public static final class TargetRefusedException extends RuntimeException {
    public TargetRefusedException(String message) {
      super(message);
    }
  }
}
