package org.asr3m.platform.dataset;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code asr3m.datasets.*}.
 *
 * @param allowLocalPaths data sets may be registered by a local directory of the API's machine (the
 *     embedded default; a cluster's control plane sets false: its workers cannot see that directory)
 * @param tinyCmn the shipped tiny-cmn data directory (holding train, dev, test); empty = look for
 *     {@code recipes/tiny-cmn/data} in the working directory and its parents
 * @param registerTinyCmn register tiny-cmn/train, tiny-cmn/dev and tiny-cmn/test on start when absent
 * @param maxUploadSize largest archive accepted by an upload
 */
@ConfigurationProperties("asr3m.datasets")
public record DatasetProperties(@DefaultValue("true") boolean allowLocalPaths, @DefaultValue("") String tinyCmn,
    @DefaultValue("true") boolean registerTinyCmn, @DefaultValue("20GB") DataSize maxUploadSize) {}
