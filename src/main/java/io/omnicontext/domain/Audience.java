package io.omnicontext.domain;

/** What a reader may see: agents, supervisors and integrations everything of their tenant; customers their own public view. */
public enum Audience { STAFF, CUSTOMER }
