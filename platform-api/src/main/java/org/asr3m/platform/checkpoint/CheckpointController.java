package org.asr3m.platform.checkpoint;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/runs/{id}/checkpoints}: the train stage's checkpoints, their files (ranged,
 * conditional downloads) and a decodable bundle. Reading follows the platform's read policy.
 */
@RestController
@RequestMapping("/api/runs/{id}/checkpoints")
class CheckpointController {
  private final CheckpointService checkpoints;

  CheckpointController(CheckpointService checkpoints) {
    this.checkpoints = checkpoints;
  }

  @GetMapping
  List<CheckpointView> list(@PathVariable long id) {
    return checkpoints.list(id);
  }

  /** The bundle: a tar.gz of the checkpoint directory that {@code asr3m decode --checkpoint} reads once unpacked. */
  @GetMapping("/{name}/bundle")
  void bundle(@PathVariable long id, @PathVariable String name, HttpServletResponse res) throws IOException {
    List<CheckpointBundle.Entry> entries = new ArrayList<>();
    for (String f : CheckpointBundle.FILES) {
      entries.add(new CheckpointBundle.Entry(f, checkpoints.file(id, name, f)));
    }
    checkpoints.globalCmvn(id).ifPresent(c -> entries.add(new CheckpointBundle.Entry("global_cmvn", c)));
    String dir = "run" + id + "_" + name;
    res.setStatus(200);
    res.setContentType("application/gzip");
    res.setHeader("Content-Disposition", "attachment; filename=\"" + dir + ".tar.gz\"");
    CheckpointBundle.write(res.getOutputStream(), checkpoints.store(), dir, entries);
  }

  @GetMapping("/{name}/{file}")
  void file(@PathVariable long id, @PathVariable String name, @PathVariable String file, HttpServletRequest req,
      HttpServletResponse res) throws IOException {
    var a = checkpoints.file(id, name, file);
    ArtifactDownload.send(req, res, checkpoints.store(), a, "run" + id + "_" + name + "_" + file, contentType(file));
  }

  private static String contentType(String file) {
    if (file.endsWith(".json")) {
      return "application/json";
    }
    if (file.endsWith(".txt") || file.endsWith(".yaml")) {
      return "text/plain;charset=UTF-8";
    }
    return "application/octet-stream";
  }
}
