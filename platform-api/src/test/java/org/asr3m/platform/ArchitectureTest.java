package org.asr3m.platform;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The control plane never touches DJL or model-core's model code: only workers do. */
class ArchitectureTest {
  private static final JavaClasses PLATFORM = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.asr3m.platform");

  @Test
  void platformClassesDoNotDependOnDjlOrTheModelPackages() {
    noClasses().that().resideInAPackage("org.asr3m.platform..")
        .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.asr3m.nn..", "org.asr3m.moe..",
            "org.asr3m.model..", "org.asr3m.train..", "org.asr3m.decode..", "org.asr3m.loss..", "org.asr3m.features..")
        .because("the platform API is a control plane: models are built, trained and decoded by workers only")
        .check(PLATFORM);
  }

  @Test
  void onlyTheEmbeddedWorkerConfigurationReachesIntoTheWorkersJobCode() {
    noClasses().that().resideInAPackage("org.asr3m.platform..").and().resideOutsideOfPackage("org.asr3m.platform.embedded..")
        .should().dependOnClassesThat().resideInAnyPackage("org.asr3m.worker.job..", "org.asr3m.worker.step..")
        .because("a cluster's control plane runs without the in-process worker")
        .check(PLATFORM);
  }
}
