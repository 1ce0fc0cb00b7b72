package io.omnicontext.it;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the PostgreSQL journal directly, as an operator would: what is durable, whatever the service says. */
final class Journal {
  private static final String URL = "jdbc:postgresql://127.0.0.1:" + Infra.PG_PORT + "/omnicontext_test";

  private Journal() {}

  /** The journaled versions of a customer, in order (the primary key forbids duplicates). */
  static List<Long> versions(String tenant, String customerId) {
    try (var c = DriverManager.getConnection(URL, "omnicontext", "omnicontext");
        var q = c.prepareStatement("select version from change_journal where tenant = ? and customer_id = ? order by version")) {
      q.setString(1, tenant);
      q.setString(2, customerId);
      List<Long> out = new ArrayList<>();
      try (var rs = q.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("journal query failed: " + e.getMessage(), e);
    }
  }

  /** The journaled changes of a customer (the change JSON by version, in order). */
  static java.util.SortedMap<Long, com.fasterxml.jackson.databind.JsonNode> changes(String tenant, String customerId) {
    try (var c = DriverManager.getConnection(URL, "omnicontext", "omnicontext");
        var q = c.prepareStatement("select version, change_json from change_journal where tenant = ? and customer_id = ? order by version")) {
      q.setString(1, tenant);
      q.setString(2, customerId);
      java.util.SortedMap<Long, com.fasterxml.jackson.databind.JsonNode> out = new java.util.TreeMap<>();
      try (var rs = q.executeQuery()) {
        while (rs.next()) out.put(rs.getLong(1), Client.JSON.readTree(rs.getString(2)));
      }
      return out;
    } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("journal query failed: " + e.getMessage(), e);
    }
  }

  /** How many erasure audit rows exist for the tenant, and whether any of them holds the customer id in clear. */
  static long erasures(String tenant, String customerId) {
    try (var c = DriverManager.getConnection(URL, "omnicontext", "omnicontext");
        var q = c.prepareStatement("select count(*) from erasure_audit where tenant = ? and position(? in subject_hash) = 0")) {
      q.setString(1, tenant);
      q.setString(2, customerId);
      try (var rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("audit query failed: " + e.getMessage(), e);
    }
  }

  /** The reasons of the dead letters of a customer (outbox entries PostgreSQL refused, set aside by the relay). */
  static List<String> deadLetters(String tenant, String customerId) {
    try (var c = DriverManager.getConnection(URL, "omnicontext", "omnicontext");
        var q = c.prepareStatement("select reason from journal_dead_letter where tenant = ? and customer_id = ? order by id")) {
      q.setString(1, tenant);
      q.setString(2, customerId);
      List<String> out = new ArrayList<>();
      try (var rs = q.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("dead letter query failed: " + e.getMessage(), e);
    }
  }

  /** The customer the journal says holds an identity. */
  static java.util.Optional<String> identityHolder(String tenant, String kind, String value) {
    try (var c = DriverManager.getConnection(URL, "omnicontext", "omnicontext");
        var q = c.prepareStatement("select customer_id from identity_link where tenant = ? and kind = ? and value = ?")) {
      q.setString(1, tenant);
      q.setString(2, kind);
      q.setString(3, value);
      try (var rs = q.executeQuery()) {
        return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("identity query failed: " + e.getMessage(), e);
    }
  }
}
