package dev.tide.protocol;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code %.17g} as glibc's printf formats it. The expected strings were produced by a C program
 * (gcc, glibc) printing {@code printf("%.17g", d)} for each bit pattern; fixed values chosen for
 * their edges (exponent switch at 1e-5 and 1e17, round-half-even ties, subnormals, extremes) and
 * pseudo-random bit patterns and three-decimal scores.
 */
class RespDoublesTest {

  /** {raw IEEE-754 bits, glibc's %.17g}. */
  private static final Object[][] GLIBC = {
      {0x0000000000000000L, "0"},
      {0x8000000000000000L, "-0"},
      {0x3ff0000000000000L, "1"},
      {0xbff0000000000000L, "-1"},
      {0x3fb999999999999aL, "0.10000000000000001"},
      {0x3fc999999999999aL, "0.20000000000000001"},
      {0x3fd3333333333333L, "0.29999999999999999"},
      {0x3fd3333333333334L, "0.30000000000000004"},
      {0x3fd5555555555555L, "0.33333333333333331"},
      {0x3fe5555555555555L, "0.66666666666666663"},
      {0x3ff8000000000000L, "1.5"},
      {0x4008000000000000L, "3"},
      {0x4059000000000000L, "100"},
      {0x430c6bf526340000L, "1000000000000000"},
      {0x4341c37937e08000L, "10000000000000000"},
      {0x4376345785d8a000L, "1e+17"},
      {0x43abc16d674ec800L, "1e+18"},
      {0x444b1ae4d6e2ef50L, "1e+21"},
      {0x4480f0cf064dd592L, "1e+22"},
      {0x44b52d02c7e14af6L, "9.9999999999999992e+22"},
      {0x43e56a95319d63e1L, "1.2345678901234567e+19"},
      {0x40fe240c9fbe76c9L, "123456.789"},
      {0x400921fb54442d18L, "3.1415926535897931"},
      {0x4005bf0a8b145769L, "2.7182818284590451"},
      {0x7fefffffffffffffL, "1.7976931348623157e+308"},
      {0xffefffffffffffffL, "-1.7976931348623157e+308"},
      {0x0010000000000000L, "2.2250738585072014e-308"},
      {0x0000000000000001L, "4.9406564584124654e-324"},
      {0x3f1a36e2eb1c432dL, "0.0001"},
      {0x3ee4f8b588e368f1L, "1.0000000000000001e-05"},
      {0x3f202e4b6ce5dc68L, "0.00012344999999999999"},
      {0x3f1a36e2eb1c432cL, "9.9999999999999991e-05"},
      {0x4340000000000000L, "9007199254740992"},
      {0x4340000000000000L, "9007199254740992"},
      {0x43118b54f22aeb01L, "1234567890123456.2"},
      {0x43118b54f22aeb03L, "1234567890123456.8"},
      {0xc004000000000000L, "-2.5"},
      {0x3fe0000000000000L, "0.5"},
      {0x7e37e43c8800759cL, "1.0000000000000001e+300"},
      {0x01a56e1fc2f8f359L, "1e-300"},
      {0x4376345785d8a000L, "1e+17"},
      {0x4376345785d8a000L, "1e+17"},
      {0x405edd2f1a9fbe77L, "123.456"},
      {0xbf50624dd2f1a9fcL, "-0.001"},
      {0x3f0a36e2eb1c432dL, "5.0000000000000002e-05"},
      {0x7fd5555555555555L, "5.9923104495410527e+307"},
      {0x4045000000000000L, "42"},
      {0x54b249ad2594c37dL, "1e+100"},
      {0x3fd3333333333334L, "0.30000000000000004"},
      {0x000fffffffffffffL, "2.2250738585072009e-308"},
      {0x000012688b70e62bL, "9.9999999999999694e-311"},
      {0x40f0000800000000L, "65536.5"},
      {0x41f0000000000000L, "4294967296"},
      {0x43f0000000000000L, "1.8446744073709552e+19"},
      {0xdc1b77ae0bf34dadL, "-4.9911105725155504e+135"},
      {0x64f0eeb9026e6076L, "1.715373926431966e+178"},
      {0x7b07ce91e5906136L, "4.4251604027143375e+284"},
      {0x305f050c368dcc74L, "1.0715660391465826e-75"},
      {0x2ceb16e0a1c54aecL, "2.5973481493288907e-92"},
      {0x97101dce4e7bfb79L, "-1.3475090132806154e-197"},
      {0x9ad2e144d6e8f2cfL, "-1.8199673040271701e-179"},
      {0xd9aa792e1af470eaL, "-8.7501862419475167e+123"},
      {0xddaa4e85b0d6e28bL, "-1.603964615428183e+143"},
      {0x8f8ea9d349428d8eL, "-9.6439157120605518e-234"},
      {0x08f474ffb8e8ab15L, "1.5860846119992697e-265"},
      {0x2ead854756d71f03L, "7.5979545248927379e-84"},
      {0x55bc79f8ada711fdL, "1.0204796945730538e+105"},
      {0x0e1fc49bd63b809eL, "1.1910593176322935e-240"},
      {0xb92199e83f5a101fL, "-1.6949339131286959e-33"},
      {0xc5765079fc5d43ffL, "-4.3162252145519944e+26"},
      {0x353cfc387dfae6b8L, "3.0261999441573203e-52"},
      {0xa32edabf5585bd75L, "-3.2386966814916609e-139"},
      {0xfc5639b16b714b4fL, "-8.6637258373062409e+290"},
      {0x92fb2dcfc8ae9a19L, "-3.0797526843217145e-217"},
      {0x544b0ec76d00616dL, "1.15589923121874e+98"},
      {0xbcbb9b7e9a319aefL, "-3.8312964673168891e-16"},
      {0x0f1a50d59c0aa21aL, "6.4660538264326993e-236"},
      {0x80ae2120826571deL, "-2.1452846540129615e-305"},
      {0x0e1ecd02ed7c0cbdL, "1.1547975125429853e-240"},
      {0x0d0981e8c1fa7be4L, "7.2962671794587506e-246"},
      {0xdc86b3d3cdbdf613L, "-5.2803264785067434e+137"},
      {0x6d0844c269e7693fL, "1.6732138965686944e+217"},
      {0x3681da7f6993082dL, "3.9090767912460248e-46"},
      {0x5b928e2c987d857dL, "1.3170664051174186e+133"},
      {0x6c716e1e6ced8137L, "2.3471351557786169e+214"},
      {0xccb870213498f7f5L, "-3.9270362652067501e+61"},
      {0x9f07b27a78869b5aL, "-3.3710794864173703e-159"},
      {0xb0ba91e47f6200ecL, "-5.8742290717003852e-74"},
      {0xc72b4c36d0db7fedL, "-7.0868910634667276e+34"},
      {0x35f305b0c0fc9252L, "8.1347104811121388e-49"},
      {0x7ac78fb373ffbff6L, "2.7371952383911999e+283"},
      {0x8e39b81de71b7d09L, "-3.8571011713974369e-240"},
      {0x59a69ba126cd29b3L, "7.4725527832150123e+123"},
      {0xbfcbffff0cbcbf20L, "-0.21874988672197393"},
      {0x2d1ce28856d20e5eL, "2.2156037317971751e-91"},
      {0x572a15ed48b3fdc2L, "7.8416978336253442e+111"},
      {0x32b911499417aab9L, "2.3803041954013153e-64"},
      {0x17a8ec88e0da0bacL, "1.0669643833474769e-194"},
      {0x0cc88eab2f9ad4bbL, "4.3902997915267284e-247"},
      {0xbc3a5b419a43afd2L, "-1.4287870889761718e-18"},
      {0x6f0f3414c47c9c0dL, "9.239942182940311e+226"},
      {0xe71a7567edb8c675L, "-4.6049449625872434e+188"},
      {0x63674cf841ee8ab9L, "7.0348661639031139e+170"},
      {0xe375837da840d9ecL, "-1.2990664698521692e+171"},
      {0x578eb22e1ea5a35fL, "5.9056866295828163e+113"},
      {0x4efa582ee029dfd9L, "2.9091650704676072e+72"},
      {0xf3b363e938295a26L, "-2.1692042628035588e+249"},
      {0x2e3a4ef3496f4112L, "5.2900001119406624e-86"},
      {0xb809d78e2a2f9b10L, "-9.4928563469063704e-39"},
      {0x46217f104eb30026L, "6.9310153672474097e+29"},
      {0x8947b5fefda6afa6L, "-5.8827752295078533e-264"},
      {0x4a3ae29b2af0cb79L, "3.9292734840969675e+49"},
      {0xbfd0273b10a6d4afL, "-0.25239445329800508"},
      {0xed0a00eb302b52c6L, "-1.7928344098460697e+217"},
      {0x406fb7645a1cac08L, "253.73099999999999"},
      {0xc089ccbc6a7ef9dbL, "-825.59199999999998"},
      {0xc0863074bc6a7efaL, "-710.05700000000002"},
      {0x407418a7ef9db22dL, "321.541"},
      {0xc08b9724dd2f1aa0L, "-882.89300000000003"},
      {0x4067af4395810625L, "189.477"},
      {0x40621c9ba5e353f8L, "144.89400000000001"},
      {0x4085a66872b020c5L, "692.80100000000004"},
      {0xc08defcccccccccdL, "-957.97500000000002"},
      {0x4082df5810624dd3L, "603.91800000000001"},
      {0xc07b2672b020c49cL, "-434.40300000000002"},
      {0xc072b07ef9db22d1L, "-299.03100000000001"},
      {0x40895e189374bc6aL, "811.76199999999994"},
      {0xc0897f4395810625L, "-815.90800000000002"},
      {0x408962d0e5604189L, "812.35199999999998"},
      {0xc08cec4395810625L, "-925.53300000000002"},
      {0x400a3b645a1cac08L, "3.2789999999999999"},
      {0xc088135c28f5c28fL, "-770.41999999999996"},
      {0x4088bca7ef9db22dL, "791.58199999999999"},
      {0xc072cd0e56041893L, "-300.81599999999997"},
      {0x408517e353f7ced9L, "674.98599999999999"},
      {0xc07fa004189374bcL, "-506.00099999999998"},
      {0xc08a86e76c8b4396L, "-848.86300000000006"},
      {0x40733f126e978d50L, "307.94200000000001"},
      {0x406fafef9db22d0eL, "253.49799999999999"},
      {0xc0867d872b020c4aL, "-719.69100000000003"},
      {0xc0849eced916872bL, "-659.851"},
      {0x4088010e56041893L, "768.13199999999995"},
      {0xc0765a45a1cac083L, "-357.642"},
      {0x408e2d0c49ba5e35L, "965.63099999999997"},
  };

  @Test
  void formatsExactlyAsGlibcPrintf17g() {
    for (Object[] pair : GLIBC) {
      double d = Double.longBitsToDouble((Long) pair[0]);
      assertThat(RespDoubles.format17g(d)).as("bits %016x (%s)", pair[0], d).isEqualTo(pair[1]);
    }
  }

  @Test
  void tiesRoundToEvenAsGlibcDoes() {
    // 1234567890123456.25 and .75 are exact doubles with an 18th significant digit of 5.
    assertThat(RespDoubles.format17g(1234567890123456.25)).isEqualTo("1234567890123456.2");
    assertThat(RespDoubles.format17g(1234567890123456.75)).isEqualTo("1234567890123456.8");
  }

  @Test
  void infinitiesAndNanUseRedisSpelling() {
    assertThat(RespDoubles.format17g(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    assertThat(RespDoubles.format17g(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    assertThat(RespDoubles.format17g(Double.NaN)).isEqualTo("nan");
  }

  @Test
  void humanFormatDropsTrailingZerosAndKeeps17Decimals() {
    assertThat(RespDoubles.formatHuman(new BigDecimal("10.5"))).isEqualTo("10.5");
    assertThat(RespDoubles.formatHuman(new BigDecimal("3.0"))).isEqualTo("3");
    assertThat(RespDoubles.formatHuman(new BigDecimal("5.0e3"))).isEqualTo("5000");
    assertThat(RespDoubles.formatHuman(new BigDecimal("-0.0"))).isEqualTo("0");
    assertThat(RespDoubles.formatHuman(new BigDecimal("0.123456789012345678"))).isEqualTo("0.12345678901234568");
  }
}
