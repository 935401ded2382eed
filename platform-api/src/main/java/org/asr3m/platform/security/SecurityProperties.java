package org.asr3m.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code asr3m.security.*}.
 *
 * @param openRead reading (GET) needs no token (default); false: every request needs one
 */
@ConfigurationProperties("asr3m.security")
public record SecurityProperties(@DefaultValue("true") boolean openRead) {}
