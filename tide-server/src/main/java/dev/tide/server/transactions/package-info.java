/**
 * MULTI/EXEC transactions and WATCH: the per-connection set of watched keys ({@link
 * dev.tide.server.transactions.WatchedKeys}) and the rules EXEC uses to decide whether a
 * transaction runs, is aborted by a watched key's change, or is refused after a queueing error.
 * The commands themselves live in {@link dev.tide.server.commands.TransactionCommands}.
 */
package dev.tide.server.transactions;
