package io.omnicontext.adapter.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The cluster feed's routing decisions, pure: given the slot map and where each followed channel is
 * followed now, which channels must be followed elsewhere, which wait for a master, which connections
 * carry nothing any more, and what a cluster error on a subscribe means.
 */
final class ShardPlan {
  private ShardPlan() {}

  /** Follow {@code channel} on {@code to}; it is followed on {@code from} now (null: nowhere). */
  record Move(String channel, String from, SlotMap.Master to) {}

  /** What to do after the map changed or a follow failed: the moves, and the channels no master serves now. */
  record Plan(List<Move> moves, List<String> waiting) {
    boolean settled() { return moves.isEmpty() && waiting.isEmpty(); }
  }

  /**
   * @param placedOn every followed channel and the key of the connection it is followed on (null: none yet,
   *     or the server dropped it)
   */
  static Plan plan(SlotMap map, Map<String, String> placedOn) {
    List<Move> moves = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    placedOn.forEach((channel, on) -> {
      SlotMap.Master target = map.masterOf(channel);
      if (target == null) waiting.add(channel);
      else if (!target.key().equals(on)) moves.add(new Move(channel, on, target));
    });
    return new Plan(moves, waiting);
  }

  /** Connections to close: their node serves no slot in the map and they carry no channel. */
  static Set<String> idle(SlotMap map, Collection<String> connections, Collection<String> carrying) {
    Set<String> masters = new HashSet<>();
    map.masters().forEach(m -> masters.add(m.key()));
    Set<String> idle = new HashSet<>();
    for (String c : connections) if (!masters.contains(c) && !carrying.contains(c)) idle.add(c);
    return idle;
  }

  /**
   * A cluster's refusal of a command: MOVED/ASK name the slot ({@code slot >= 0}); CLUSTERDOWN and
   * TRYAGAIN concern the whole node ({@code slot == -1}).
   */
  record Redirect(String kind, int slot) {
    /** The redirect an error message carries, or null when it is no cluster redirect. */
    static Redirect parse(String error) {
      if (error == null) return null;
      String[] words = error.trim().split("\\s+");
      String kind = words[0];
      if ((kind.equals("MOVED") || kind.equals("ASK")) && words.length >= 2) {
        try {
          int slot = Integer.parseInt(words[1]);
          return slot >= 0 && slot < HashSlot.SLOTS ? new Redirect(kind, slot) : null;
        } catch (NumberFormatException e) {
          return null;
        }
      }
      if (kind.equals("CLUSTERDOWN") || kind.equals("TRYAGAIN")) return new Redirect(kind, -1);
      return null;
    }

    /** The channels of a connection this redirect concerns: those in its slot, or all for a whole-node one. */
    List<String> concerns(Collection<String> channels) {
      if (slot < 0) return List.copyOf(channels);
      return channels.stream().filter(c -> HashSlot.of(c) == slot).toList();
    }
  }

  /** Equal maps need no re-routing: a refresh that finds the same layout changes nothing. */
  static boolean changed(SlotMap before, SlotMap after) { return !Objects.equals(before, after); }
}
