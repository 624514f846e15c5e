/**
 * The CJK font of zh-CN PDF reports on AWS (issue 20, ADR 0022): a Lambda layer holding the same
 * file the local runtime uses (Debian's fonts-wqy-microhei, functions/shared/report-font.ts),
 * taken from the synthesizing machine (the bootstrap installs it as root; REPORT_FONT_FILE names
 * another copy). The functions that render PDFs get the layer and REPORT_CJK_FONT. Without the
 * file at synth: a warning, no layer, and those functions serve zh-CN reports as HTML only (a
 * zh-CN PDF is refused naming `language`).
 */
import { Annotations, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPORT_FONT, reportFontSetting } from '../../functions/shared/report-font.ts';

export class ReportFont extends Construct {
  /** Absent when the font file is not on the synthesizing machine. */
  readonly layer?: lambda.LayerVersion;

  constructor(scope: Construct, id: string, props: { file?: string } = {}) {
    super(scope, id);
    const file = props.file ?? process.env.REPORT_FONT_FILE ?? REPORT_FONT.debianPath;
    if (!existsSync(file)) {
      Annotations.of(this).addWarningV2(
        'complaints:no-report-font',
        `No CJK font at ${file} (apt-get install fonts-wqy-microhei, or REPORT_FONT_FILE): zh-CN reports are served as HTML only, their PDF is refused.`,
      );
      return;
    }
    // The layer's fonts/ folder appears as /opt/fonts/ in the function.
    const dir = join(Stage.of(this)!.outdir, 'report-font');
    mkdirSync(join(dir, 'fonts'), { recursive: true });
    copyFileSync(file, join(dir, 'fonts', basename(REPORT_FONT.lambdaPath)));
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code: lambda.Code.fromAsset(dir),
      compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      description: 'WenQuanYi Micro Hei (Debian fonts-wqy-microhei) for zh-CN PDF reports',
      license: 'Apache-2.0 OR GPL-3.0-only WITH Font-exception-2.0',
    });
  }

  /** Gives a function the font (the layer and REPORT_CJK_FONT), where there is one. */
  bind(fn: lambda.Function): void {
    if (!this.layer) return;
    fn.addLayers(this.layer);
    fn.addEnvironment('REPORT_CJK_FONT', reportFontSetting(REPORT_FONT.lambdaPath));
  }
}
