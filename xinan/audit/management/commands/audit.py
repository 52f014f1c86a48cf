"""``xinan audit``: verify the audit chain and make signed checkpoints.

    xinan audit verify [--checkpoint FILE] [--workers N] [--batch N] [--no-record]
    xinan audit checkpoint [--export FILE]

``verify`` exits 0 when the chain is intact and 1 naming the first broken sequence number
("审计链在序号 N 处断裂:… / audit chain broken at seq N: …"); each run is recorded as an
``audit.verify`` event unless ``--no-record``. ``checkpoint`` signs the current head; with
``--export`` it also writes the checkpoint to FILE, to be kept outside the database and given to
``verify --checkpoint`` later (p17.8-a, p08.13.3-a).
"""

import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from xinan.audit.checkpoints import checkpoint_create, checkpoint_export
from xinan.audit.services import AuditError
from xinan.audit.verify import verify_and_record, verify_chain


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


class Command(BaseCommand):
    help = "审计链:校验与检查点 / audit chain: verify and checkpoints"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,checkpoint}")
        verify = sub.add_parser("verify", help="重算整条审计链并报告第一个断点 / recompute the chain, report the first break")
        verify.add_argument("--checkpoint", metavar="FILE", help="同时对照导出的检查点文件 / also compare with an exported checkpoint file")
        verify.add_argument("--batch", type=int, default=50_000, help="每批读取的事件数 / events read per batch")
        verify.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 8),
                            help="并行进程数(链较长时)/ processes to use on a long chain")
        verify.add_argument("--no-record", action="store_true", help="不写入 audit.verify 事件 / do not record the run")
        checkpoint = sub.add_parser("checkpoint", help="签名当前链头 / sign the current head")
        checkpoint.add_argument("--export", metavar="FILE", help="并导出到文件 / and write it to FILE")

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            return self._verify(options)
        return self._checkpoint(options)

    def _verify(self, options):
        kwargs = dict(batch=max(1, options["batch"]), checkpoint_file=options["checkpoint"], workers=max(1, options["workers"]))
        try:
            if options["no_record"]:
                result = verify_chain(**kwargs)
            else:
                result = verify_and_record(_cli_actor(), **kwargs)
        except AuditError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        stats = (
            f"已校验 {result.checked:,} 个事件,用时 {result.elapsed:.2f} 秒,每秒 {result.rate:,.0f} 个 / "
            f"checked {result.checked:,} events in {result.elapsed:.2f} s ({result.rate:,.0f} events/s)"
        )
        context = f"链头 / head: {result.head_seq:,}; 检查点 / checkpoints: {result.checkpoints_checked}"
        if result.checkpoint_seq is not None:
            context += f" (最新 / latest at seq {result.checkpoint_seq:,})"
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"审计链完整 / audit chain intact: {stats}"))
            self.stdout.write(context)
            return
        seq = result.first_broken_seq
        self.stderr.write(self.style.ERROR(
            f"审计链在序号 {seq} 处断裂:{result.reason_zh} / audit chain broken at seq {seq}: {result.reason_en}"
        ))
        for problem in sorted(result.problems, key=lambda p: p.seq)[1:]:
            self.stderr.write(f"  另见 / also: #{problem.seq}: {problem.zh} / {problem.en}")
        self.stderr.write(f"{stats}\n{context}")
        sys.exit(1)

    def _checkpoint(self, options):
        checkpoint = checkpoint_create(_cli_actor())
        self.stdout.write(self.style.SUCCESS(
            f"已创建检查点 #{checkpoint.pk}:序号 {checkpoint.seq},哈希 {checkpoint.hash} / "
            f"checkpoint #{checkpoint.pk} signed at seq {checkpoint.seq} (hash {checkpoint.hash}), key {checkpoint.key_id}"
        ))
        if options["export"]:
            try:
                checkpoint_export(options["export"], checkpoint)
            except OSError as exc:
                raise CommandError(f"无法写入 {options['export']}:{exc} / cannot write {options['export']}: {exc}") from exc
            self.stdout.write(f"已导出到 / exported to {options['export']}")
