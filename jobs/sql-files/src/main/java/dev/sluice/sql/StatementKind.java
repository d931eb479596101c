package dev.sluice.sql;

/** What a statement does, which decides how a pipeline runs it. */
public enum StatementKind {
    /** {@code SET 'key' = 'value'} or {@code SET}: changes the job configuration. */
    SET,
    /** {@code RESET ['key']}. */
    RESET,
    /** {@code LOAD MODULE}, {@code UNLOAD MODULE}, {@code USE MODULES}. */
    MODULE,
    /** {@code USE CATALOG c}, {@code USE db}. */
    USE,
    /**
     * {@code CREATE}, {@code DROP}, {@code ALTER} of catalogs, databases, tables, views, functions.
     */
    DDL,
    /** {@code INSERT INTO} / {@code INSERT OVERWRITE}; every insert of a file joins one job. */
    INSERT,
    /** A query without a sink ({@code SELECT}, {@code VALUES}, {@code WITH}). */
    QUERY,
    /** Anything else ({@code SHOW}, {@code DESCRIBE}, {@code EXPLAIN}, {@code ADD JAR}, ...). */
    OTHER
}
