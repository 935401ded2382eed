package org.asr3m.platform.sweep;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Spring scheduling for the sweep ticker, and the clock that decides when a cron firing is due
 * (a bean so that tests can move time).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SweepSchedulingConfiguration {

  @Bean
  @ConditionalOnMissingBean(Clock.class)
  Clock clock() {
    return Clock.systemUTC();
  }
}
