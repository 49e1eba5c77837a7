package dev.tide.autoscaler.scrape;

import java.util.List;
import java.util.Map;

/** Where snapshots come from: the {@link Scraper} (HTTP), or fixed texts in tests. */
public interface SnapshotSource {

  /** One result per target, in the targets' order. */
  Map<ScrapeTarget, Scraper.Result> scrape(List<ScrapeTarget> targets);
}
