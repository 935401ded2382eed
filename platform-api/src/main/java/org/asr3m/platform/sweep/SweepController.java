package org.asr3m.platform.sweep;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/sweeps}: create, list, get (points, runs, stopped runs, CER-vs-experts series), pause, resume, delete. */
@RestController
@RequestMapping("/api/sweeps")
class SweepController {
  private final SweepService sweeps;

  SweepController(SweepService sweeps) {
    this.sweeps = sweeps;
  }

  @PostMapping
  ResponseEntity<SweepView.Detail> create(@RequestBody tools.jackson.databind.JsonNode body) {
    var d = sweeps.create(SweepRequestReader.read(body));
    return ResponseEntity.created(URI.create("/api/sweeps/" + d.id())).body(d);
  }

  @GetMapping
  List<SweepView.Summary> list() {
    return sweeps.list();
  }

  @GetMapping("/{id}")
  SweepView.Detail get(@PathVariable long id) {
    return sweeps.get(id);
  }

  @PostMapping("/{id}/pause")
  SweepView.Detail pause(@PathVariable long id) {
    return sweeps.pause(id);
  }

  @PostMapping("/{id}/resume")
  SweepView.Detail resume(@PathVariable long id) {
    return sweeps.resume(id);
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(@PathVariable long id) {
    sweeps.delete(id);
  }
}
