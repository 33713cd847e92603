"""Reads rectify_bench's Google Benchmark JSON: the runs' throughputs and what the tables compare.

Shared by bench/plot.py and bench/results_page.py (standard library only). Everything the tables
need comes from the JSON itself, as bench_activations.cpp writes it into the context: the kernels
with their titles and baselines (rectify_kernels, from the activations of activations/list.hpp),
the ratio table's rows and targets (rectify_ratio_rows). A JSON without rectify_kernels (an older
rectify_bench) gets its kernels from the run names, titled by name.
"""
import re

SIZES = [4096, 65536, 1048576, 16777216]
SIZE_LABELS = ["4K", "64K", "1M", "16M"]
TYPES = ["float", "double"]
# The ways each baseline is measured (baselines.hpp); the baseline is the fastest, size by size.
BASELINE_WAYS = {"copy": ["memcpy", "copy_loop", "copy_stream"], "2R1W": ["2R1W_loop", "2R1W_stream"]}
# rectify on every processor first, then the peers in bench_activations.cpp's order.
PEER_ORDER = ["rectify-threads", "PyTorch", "oneDNN", "XNNPACK", "Eigen"]
# The reference "the fastest peer" of the ratio rows (ratio_table.hpp's fastest_peer): the best of
# every peer's run of the kernel (rectify-threads is no peer), size by size.
FASTEST_PEER = "fastest-peer"
# "elu_forward<float>/XNNPACK/4096", "swish_1.702_forward<float>/4096" or "memcpy<float>/4096"
# (run_name; name adds "_median" etc.)
RUN_NAME = re.compile(r"^(?P<kernel>[A-Za-z0-9_.]+)<(?P<type>\w+)>/(?:(?P<impl>[A-Za-z][A-Za-z0-9_.-]*)/)?(?P<size>\d+)$")


class Results:
    """The medians of one rectify_bench JSON: elements per ns by (kernel, type, impl, size)."""

    def __init__(self, document):
        self.context = document.get("context", {})
        medians, singles = {}, {}
        order = []  # rectify's kernels in the order of the runs, for a JSON without rectify_kernels
        self.repetitions = 1
        for run in document.get("benchmarks", []):
            if run.get("error_occurred") or "items_per_second" not in run:
                continue
            match = RUN_NAME.match(run.get("run_name", run["name"]))
            if not match:
                continue
            key = (match["kernel"], match["type"], match["impl"] or "", int(match["size"]))
            if not key[2] and key[0] not in order:
                order.append(key[0])
            value = run["items_per_second"] * 1e-9
            self.repetitions = max(self.repetitions, int(run.get("repetitions", 1)))
            if run.get("run_type") == "aggregate":
                if run.get("aggregate_name") == "median":
                    medians[key] = value
            else:
                singles.setdefault(key, []).append(value)
        # As rectify_bench's MedianRecorder: the median aggregate, else the median of the single runs.
        self.speeds = {}
        for key, values in singles.items():
            values = sorted(values)
            half = len(values) // 2
            self.speeds[key] = values[half] if len(values) % 2 else (values[half - 1] + values[half]) / 2
        self.speeds.update(medians)
        self._kernels = self._read_kernels(order)

    def _read_kernels(self, order):
        entries = [e.strip() for e in self.context.get("rectify_kernels", "").split(";") if e.strip()]
        if entries:
            kernels = []
            for entry in entries:
                kernel, baseline, title = entry.split(":", 2)
                kernels.append((kernel, title, baseline))
            return kernels
        ways = {way for way_list in BASELINE_WAYS.values() for way in way_list}
        return [(k, k, "2R1W" if "_backward" in k else "copy") for k in order
                if k not in ways and k != "relu_forward_inplace"]

    def kernels(self):
        """[(kernel in the run names, title, baseline)] in the tables' order: every kernel with a
        comparison table (relu_forward_inplace and the baselines' ways have none)."""
        return self._kernels

    def speed(self, kernel, element_type, size, impl=""):
        """Elements per ns, or None; "copy" and "2R1W" are the fastest of their measured ways."""
        if kernel in BASELINE_WAYS and not impl:
            ways = [self.speeds.get((way, element_type, "", size)) for way in BASELINE_WAYS[kernel]]
            ways = [way for way in ways if way is not None]
            return max(ways) if ways else None
        if impl == FASTEST_PEER:
            peers = [speed for (k, t, i, s), speed in self.speeds.items()
                     if k == kernel and t == element_type and s == size and i and not i.startswith("rectify")]
            return max(peers) if peers else None
        return self.speeds.get((kernel, element_type, impl, size))

    def implementations(self):
        """"" (rectify) first, then every peer that ran, in PEER_ORDER and then by name."""
        seen = {impl for (_, _, impl, _) in self.speeds if impl}
        return [""] + [p for p in PEER_ORDER if p in seen] + sorted(seen - set(PEER_ORDER))

    def ratio_rows(self):
        """The ratio table's rows, from the rectify_ratio_rows context entry that rectify_bench writes:
        [(kernel, reference kernel, reference impl, [float target or None per size])]."""
        rows = []
        for entry in filter(None, (e.strip() for e in self.context.get("rectify_ratio_rows", "").split(";"))):
            row, _, values = entry.rpartition(":")
            kernel, _, label = row.partition(" vs ")
            words = label.split()  # "copy", "XNNPACK" (its kernel of the same name), "XNNPACK elu_forward", "fastest-peer"
            if len(words) == 1 and words[0] in BASELINE_WAYS:
                reference, impl = words[0], ""
            else:
                impl, reference = words[0], words[1] if len(words) > 1 else kernel
            rows.append((kernel, reference, impl, [None if v == "-" else float(v) for v in values.split()]))
        return rows
