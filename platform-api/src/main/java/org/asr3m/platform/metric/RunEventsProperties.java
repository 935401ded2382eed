package org.asr3m.platform.metric;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code asr3m.events.*}: the live stream of a run.
 *
 * @param pollInterval how often each stream looks for new rows and state changes
 * @param timeout a stream ends after this long even if the run goes on (the client reconnects with Last-Event-ID)
 * @param maxStreams open streams at most (each costs one database poll per interval)
 * @param batch metric rows sent per poll at most
 */
@ConfigurationProperties("asr3m.events")
public record RunEventsProperties(@DefaultValue("1s") Duration pollInterval, @DefaultValue("30m") Duration timeout,
    @DefaultValue("100") int maxStreams, @DefaultValue("2000") int batch) {}
