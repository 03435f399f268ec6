/**
 * Micrometer meters for a procpool {@link io.procpool.Pool}: {@link io.procpool.micrometer.PoolMetrics}.
 */
package io.procpool.micrometer;
