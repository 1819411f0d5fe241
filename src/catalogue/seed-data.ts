/**
 * What a fresh installation starts with (E9, E4): the two-level event catalogue, the deadline policies, China's 2026
 * holidays and make-up workdays, and the default escalation ladder. Seeded once by CatalogueService.seedDefaults();
 * administrators edit everything afterwards through the API.
 *
 * Categories follow the digital urban management standard (数字化城市管理, GB/T 30428: 部件 components and 事件
 * events, 大类/小类) with the seeds' own classes added: fire safety, disputes, social security (003 一事一报),
 * construction waste 渣土, flood and typhoon 防汛防台, hydrants (004), elderly care (000/003). Codes: a major class
 * 2 digits, a minor class its major's code + 2 digits (the agreed scheme; others rely on the major codes).
 */
import type { ClockType } from './deadlines.js';

export type Standard = { zh: string; en: string };

export interface SeedCategory {
  code: string;
  parentCode: string | null;
  kind: 'event' | 'component';
  nameZh: string;
  nameEn: string;
  deadlinePolicy: string | null;
  filingStandards: Standard[];
  closingStandards: Standard[];
  rank: number;
}

type Pair = readonly [zh: string, en: string];
/** [code, 中文名, English name, 立案标准, 结案标准, policy key when it differs from the major's] */
type Minor = readonly [string, string, string, Pair, Pair, string?];

interface Major {
  code: string;
  zh: string;
  en: string;
  kind: 'event' | 'component';
  policy: string;
  filing: Pair;
  closing: Pair;
  minors: Minor[];
}

const MAJORS: Major[] = [
  {
    code: '01',
    zh: '市容环境',
    en: 'City appearance and environment',
    kind: 'event',
    policy: 'general',
    filing: ['现场照片能反映问题，位置明确', 'A photo shows the problem and the place is clear'],
    closing: ['处置后照片与上报位置一致', 'The after-photo is taken at the reported place'],
    minors: [
      [
        '0101',
        '暴露垃圾',
        'Exposed garbage',
        ['暴露垃圾超过0.5平方米或滞留超过24小时', 'Over 0.5 m² or left for more than 24 h'],
        ['垃圾清除，现场无残留', 'Removed, nothing left on site'],
      ],
      [
        '0102',
        '积存垃圾渣土',
        'Accumulated garbage and rubble',
        ['积存超过1立方米', 'More than 1 m³ accumulated'],
        ['清运完毕，地面清扫干净', 'Carted away, ground swept clean'],
      ],
      [
        '0103',
        '道路不洁',
        'Dirty road surface',
        ['路面有明显污渍、油渍或散落垃圾', 'Visible stains, oil or litter on the road'],
        ['路面清扫冲洗干净', 'Road swept and washed'],
      ],
      [
        '0104',
        '垃圾满溢',
        'Overflowing bins',
        ['垃圾桶（箱）满溢或周边散落垃圾', 'Bins overflowing or litter around them'],
        ['清运完毕，周边清洁', 'Emptied, surroundings clean'],
      ],
      [
        '0105',
        '垃圾分类不规范',
        'Improper waste sorting',
        ['发现混投、混运', 'Mixed disposal or mixed transport seen'],
        ['已整改并告知责任主体', 'Corrected and the party responsible informed'],
      ],
      [
        '0106',
        '乱张贴',
        'Illegal posting',
        ['墙面、杆体或设施上张贴小广告', 'Small ads stuck on walls, poles or facilities'],
        ['清除干净，无残留痕迹', 'Removed without traces'],
      ],
      [
        '0107',
        '乱涂写',
        'Graffiti',
        ['墙面、设施上涂写刻画', 'Writing or scratching on walls or facilities'],
        ['清除或覆盖，与周边协调', 'Removed or painted over to match'],
      ],
      [
        '0108',
        '水域不洁',
        'Dirty waterway',
        ['河道漂浮物超过1平方米', 'Floating litter over 1 m² on a waterway'],
        ['漂浮物打捞完毕', 'Floating litter fished out'],
      ],
      [
        '0109',
        '焚烧垃圾树叶',
        'Burning waste or leaves',
        ['露天焚烧垃圾、树叶', 'Open burning of waste or leaves'],
        ['明火熄灭，现场清理', 'Fire out, site cleared'],
      ],
      [
        '0110',
        '油烟污染',
        'Cooking fume nuisance',
        ['餐饮油烟直排，影响居民', 'Restaurant fumes discharged directly, residents affected'],
        ['加装净化设施或停止直排', 'Purifier fitted or direct discharge stopped'],
      ],
      [
        '0111',
        '噪声扰民',
        'Noise nuisance',
        ['夜间施工或经营噪声影响居民休息', 'Night works or business noise disturbs residents'],
        ['噪声停止或整改到位，居民确认', 'Noise stopped or abated, confirmed by residents'],
      ],
      [
        '0112',
        '动物尸体',
        'Animal carcass',
        ['公共区域发现动物尸体', 'An animal carcass in a public place'],
        ['清理并消毒', 'Removed and disinfected'],
      ],
      [
        '0113',
        '公厕不洁',
        'Dirty public toilet',
        ['公厕脏污、异味明显', 'Public toilet dirty or smelly'],
        ['清洁完毕，正常开放', 'Cleaned and open again'],
      ],
    ],
  },
  {
    code: '02',
    zh: '宣传广告',
    en: 'Advertising',
    kind: 'event',
    policy: 'general',
    filing: ['广告或招牌位置、内容可辨认', 'The sign or advertisement and its place can be identified'],
    closing: ['拆除或整改后拍照留存', 'A photo after removal or correction'],
    minors: [
      [
        '0201',
        '违规户外广告',
        'Unauthorised outdoor advertisement',
        ['未经审批设置户外广告', 'Outdoor advertisement without approval'],
        ['拆除或补办审批', 'Removed or approved'],
      ],
      [
        '0202',
        '广告牌匾破损',
        'Damaged signboard',
        ['牌匾破损、松动，有坠落隐患', 'Signboard broken or loose, may fall'],
        ['加固或拆除，隐患消除', 'Secured or removed, no danger left'],
        'urgent',
      ],
      [
        '0203',
        '店招店牌不规范',
        'Non-compliant shop sign',
        ['店招超出规定尺寸或遮挡门窗', 'Shop sign oversized or covering windows'],
        ['按规范整改', 'Brought into line'],
      ],
      [
        '0204',
        '违规悬挂横幅',
        'Unauthorised banner',
        ['未经许可悬挂横幅、标语', 'Banner or slogan hung without permission'],
        ['横幅拆除', 'Banner taken down'],
      ],
      [
        '0205',
        '散发小广告',
        'Leaflet distribution',
        ['街面散发、夹塞小广告', 'Leaflets handed out or stuck in doors'],
        ['行为制止，现场清理', 'Stopped and site cleared'],
      ],
      [
        '0206',
        '电子屏违规',
        'Improper LED screen',
        ['电子屏亮度扰民或内容违规', 'LED screen too bright for residents or improper content'],
        ['调整亮度或内容', 'Brightness or content adjusted'],
      ],
    ],
  },
  {
    code: '03',
    zh: '施工管理',
    en: 'Construction',
    kind: 'event',
    policy: 'general',
    filing: ['工地或车辆位置、名称可辨认', 'The site or vehicle can be identified'],
    closing: ['整改到位并拍照留存', 'Corrected, with a photo'],
    minors: [
      [
        '0301',
        '渣土运输撒漏',
        'Construction waste spilled in transport',
        ['渣土车沿途撒漏或带泥上路', 'A muck truck spills or tracks mud onto the road'],
        ['路面冲洗干净，车辆依法处理', 'Road washed, vehicle dealt with'],
      ],
      [
        '0302',
        '渣土偷倒乱倒',
        'Illegal dumping of construction waste',
        ['发现偷倒乱倒渣土', 'Construction waste dumped illegally'],
        ['清运完毕并追查来源', 'Carted away and the source traced'],
        'difficult',
      ],
      [
        '0303',
        '工地扬尘',
        'Construction dust',
        ['裸土未覆盖或未洒水降尘', 'Bare soil not covered or not sprayed'],
        ['覆盖、洒水到位', 'Covered and sprayed'],
      ],
      [
        '0304',
        '无证施工',
        'Unlicensed construction works',
        ['无施工许可擅自施工', 'Works without a permit'],
        ['停工或补办手续', 'Stopped or permitted'],
      ],
      [
        '0305',
        '违法搭建',
        'Illegal structure',
        ['新增未经审批的建（构）筑物', 'A new structure built without approval'],
        ['拆除或依法处置完毕', 'Demolished or dealt with by law'],
        'complex',
      ],
      [
        '0306',
        '施工占道',
        'Works occupying the road',
        ['施工超范围占用道路', 'Works occupy the road beyond the permit'],
        ['恢复通行', 'Road open again'],
      ],
      [
        '0307',
        '道路开挖未修复',
        'Excavation not reinstated',
        ['道路开挖完工后未恢复', 'Road not reinstated after digging'],
        ['路面恢复平整', 'Surface reinstated'],
      ],
      [
        '0308',
        '装修垃圾乱堆',
        'Renovation waste dumped',
        ['装修垃圾未按规定堆放', 'Renovation waste not put where it belongs'],
        ['清运完毕', 'Carted away'],
      ],
    ],
  },
  {
    code: '04',
    zh: '突发事件',
    en: 'Emergencies',
    kind: 'event',
    policy: 'urgent',
    filing: ['发现即报，先报后核', 'Report at once; verify afterwards'],
    closing: ['险情排除，现场安全，后续责任部门明确', 'Danger removed, site safe, follow-up owner named'],
    minors: [
      [
        '0401',
        '火情',
        'Fire',
        ['发现明火或浓烟', 'Open fire or thick smoke'],
        ['明火扑灭，现场移交消防', 'Fire out, site handed to the fire brigade'],
      ],
      [
        '0402',
        '燃气泄漏',
        'Gas leak',
        ['闻到燃气味或报警器报警', 'Smell of gas or a gas alarm'],
        ['关阀、修复，检测合格', 'Valve closed, repaired, test passed'],
      ],
      [
        '0403',
        '路面塌陷',
        'Road collapse',
        ['路面塌陷或明显沉降', 'Road caved in or sinking'],
        ['围挡警示并修复', 'Fenced off and repaired'],
      ],
      [
        '0404',
        '供水管爆裂',
        'Burst water main',
        ['路面冒水或停水', 'Water gushing or supply cut'],
        ['抢修完毕，恢复供水', 'Repaired, supply restored'],
      ],
      [
        '0405',
        '电力故障',
        'Power failure or fallen lines',
        ['大面积停电或电线垂落', 'Wide power cut or fallen lines'],
        ['恢复供电，隐患排除', 'Power back, hazard removed'],
      ],
      [
        '0406',
        '高空坠物隐患',
        'Risk of falling objects',
        ['高处物体松动可能坠落', 'Something loose at height may fall'],
        ['移除或加固', 'Removed or secured'],
      ],
      [
        '0407',
        '人员被困',
        'Person trapped',
        ['电梯或建筑内有人员被困', 'Someone trapped in a lift or building'],
        ['人员解救脱困', 'Person freed'],
      ],
      [
        '0408',
        '公共卫生事件',
        'Public health incident',
        ['聚集性发病或食物中毒线索', 'A cluster of illness or suspected food poisoning'],
        ['移交卫生部门并完成处置', 'Handed to health authorities and handled'],
      ],
      [
        '0409',
        '危化品泄漏',
        'Hazardous chemical leak',
        ['发现危化品泄漏或异味', 'Hazardous chemicals leaking or smelling'],
        ['泄漏控制，现场清理', 'Leak contained, site cleaned'],
      ],
    ],
  },
  {
    code: '05',
    zh: '街面秩序',
    en: 'Street order',
    kind: 'event',
    policy: 'general',
    filing: ['现场照片能反映行为及位置', 'A photo shows the behaviour and the place'],
    closing: ['复查时现场已恢复秩序', 'Order restored when re-checked'],
    minors: [
      [
        '0501',
        '占道经营',
        'Street vending on the roadway',
        ['占用道路、人行道摆摊经营', 'Stall on the road or pavement'],
        ['摊位撤除，道路畅通', 'Stall removed, way clear'],
      ],
      [
        '0502',
        '跨门营业',
        'Trading outside the shop front',
        ['商品、桌椅超出门面', 'Goods or tables beyond the shop front'],
        ['退回店内经营', 'Back inside the shop'],
      ],
      [
        '0503',
        '无照游商',
        'Unlicensed hawker',
        ['流动摊贩无照经营', 'A mobile hawker without licence'],
        ['劝离或依法处置', 'Moved on or dealt with by law'],
      ],
      [
        '0504',
        '乱堆物料',
        'Goods piled in public space',
        ['公共区域堆放物料', 'Goods piled in a public place'],
        ['物料清除', 'Goods cleared'],
      ],
      [
        '0505',
        '乱晾晒',
        'Laundry in public space',
        ['沿街、绿化带晾晒衣物', 'Laundry hung along the street or on greenery'],
        ['晾晒物收回', 'Laundry taken in'],
      ],
      [
        '0506',
        '机动车乱停放',
        'Illegal car parking',
        ['占用人行道、消防通道停车', 'Car parked on the pavement or a fire lane'],
        ['车辆驶离', 'Car moved'],
      ],
      [
        '0507',
        '非机动车乱停放',
        'Bicycle and e-bike clutter',
        ['共享单车、电动车堆积影响通行', 'Shared bikes or e-bikes block the way'],
        ['车辆规整或清运', 'Bikes tidied or removed'],
      ],
      [
        '0508',
        '露天烧烤',
        'Open-air barbecue',
        ['沿街露天烧烤', 'Barbecue in the open street'],
        ['烧烤停止，设备撤除', 'Stopped, equipment removed'],
      ],
    ],
  },
  {
    code: '06',
    zh: '市政设施',
    en: 'Municipal facilities',
    kind: 'component',
    policy: 'repair',
    filing: ['设施编号或位置明确，损坏可见', 'The facility is identified and the damage visible'],
    closing: ['设施修复，功能正常', 'Repaired and working'],
    minors: [
      [
        '0601',
        '井盖缺损',
        'Missing or broken manhole cover',
        ['井盖缺失、破损或移位', 'Cover missing, broken or displaced'],
        ['井盖恢复平稳，警示撤除', 'Cover in place and level, warning removed'],
        'urgent',
      ],
      [
        '0602',
        '道路破损',
        'Damaged road surface',
        ['坑洞面积超过0.5平方米或深度超过5厘米', 'A pothole over 0.5 m² or deeper than 5 cm'],
        ['路面修补平整', 'Patched flat'],
      ],
      [
        '0603',
        '人行道板破损',
        'Broken paving',
        ['人行道板松动、缺失', 'Paving slabs loose or missing'],
        ['铺装恢复', 'Paving restored'],
      ],
      [
        '0604',
        '路灯故障',
        'Streetlight out',
        ['路灯不亮或昼亮', 'Light out at night or on by day'],
        ['路灯恢复正常', 'Light working'],
      ],
      [
        '0605',
        '雨水箅子堵塞',
        'Blocked storm drain',
        ['雨水箅子堵塞或缺失', 'Drain grate blocked or missing'],
        ['疏通或补装', 'Cleared or replaced'],
      ],
      [
        '0606',
        '污水冒溢',
        'Sewage overflow',
        ['检查井或管道污水外溢', 'Sewage overflowing from a manhole or pipe'],
        ['疏通完毕，现场清洗', 'Cleared, site washed'],
        'urgent',
      ],
      [
        '0607',
        '公共座椅损坏',
        'Broken public bench',
        ['座椅破损、松动', 'Bench broken or loose'],
        ['修复或更换', 'Repaired or replaced'],
      ],
      [
        '0608',
        '护栏损坏',
        'Damaged railing',
        ['护栏断裂、缺失', 'Railing broken or missing'],
        ['修复到位', 'Repaired'],
      ],
      [
        '0609',
        '公厕设施损坏',
        'Damaged public toilet facilities',
        ['公厕设施损坏影响使用', 'Toilet facilities broken'],
        ['修复后正常使用', 'Repaired and usable'],
      ],
      [
        '0610',
        '环卫设施损坏',
        'Damaged sanitation facilities',
        ['垃圾箱、果壳箱破损', 'Bins broken'],
        ['修复或更换', 'Repaired or replaced'],
      ],
      [
        '0611',
        '供水设施损坏',
        'Damaged water facilities',
        ['阀门、水表井损坏或漏水', 'Valve or meter pit damaged or leaking'],
        ['修复，不再漏水', 'Repaired, no more leaking'],
      ],
    ],
  },
  {
    code: '07',
    zh: '消防安全',
    en: 'Fire safety',
    kind: 'event',
    policy: 'general',
    filing: ['隐患位置明确，照片可见', 'The hazard is located and visible on a photo'],
    closing: ['隐患消除，复查确认', 'Hazard removed, confirmed on re-check'],
    minors: [
      [
        '0701',
        '消防通道堵塞',
        'Blocked fire lane',
        ['消防车通道被占用或堵塞', 'Fire lane occupied or blocked'],
        ['通道畅通', 'Lane clear'],
        'urgent',
      ],
      [
        '0702',
        '消火栓',
        'Hydrant',
        [
          '消火栓损坏、漏水、被圈占或智能消火栓告警',
          'Hydrant damaged, leaking, enclosed, or a smart-hydrant alarm',
        ],
        ['修复或恢复可用，水压正常', 'Repaired or freed, pressure normal'],
        'urgent',
      ],
      [
        '0703',
        '电动自行车违规充电',
        'E-bike charged unsafely',
        ['楼道、室内充电或飞线充电', 'Charged in a stairwell, indoors or by a trailing lead'],
        ['充电行为停止，线路拆除', 'Charging stopped, lead removed'],
        'urgent',
      ],
      [
        '0704',
        '楼道堆物',
        'Clutter in stairwells',
        ['楼道、疏散通道堆放杂物', 'Things stored in stairwells or escape routes'],
        ['杂物清除', 'Cleared'],
      ],
      [
        '0705',
        '消防设施损坏',
        'Damaged fire equipment',
        ['灭火器过期、报警器或喷淋损坏', 'Extinguisher expired, alarm or sprinkler broken'],
        ['更换或修复', 'Replaced or repaired'],
      ],
      [
        '0706',
        '群租消防隐患',
        'Fire risk of overcrowded rental',
        ['一户多租、隔断群租', 'One flat partitioned and let to many'],
        ['整改到位，恢复原状', 'Corrected, partitions removed'],
        'difficult',
      ],
      [
        '0707',
        '三合一场所',
        'Live-work premises (三合一)',
        ['生产、经营、住宿混合', 'Production, trade and sleeping in one place'],
        ['住宿分离或停业整改', 'Sleeping moved out or business closed to correct'],
        'difficult',
      ],
      [
        '0708',
        '违规用火用电',
        'Unsafe use of fire or electricity',
        ['私拉电线、违规动火', 'Illegal wiring or hot work'],
        ['违规行为停止，线路规范', 'Stopped, wiring made safe'],
      ],
      [
        '0709',
        '安全出口锁闭',
        'Locked emergency exit',
        ['安全出口锁闭或堵塞', 'Emergency exit locked or blocked'],
        ['出口打开畅通', 'Exit open and clear'],
        'urgent',
      ],
    ],
  },
  {
    code: '08',
    zh: '防汛防台',
    en: 'Flood and typhoon',
    kind: 'event',
    policy: 'urgent',
    filing: ['汛期或预警期间发现即报', 'Report at once in the flood season or under a warning'],
    closing: ['险情排除，复查无积水或隐患', 'Danger removed; no water or hazard on re-check'],
    minors: [
      [
        '0801',
        '道路积水',
        'Road waterlogging',
        ['积水深度超过15厘米或影响通行', 'Water deeper than 15 cm or blocking traffic'],
        ['积水排除，道路通行', 'Drained, road open'],
      ],
      [
        '0802',
        '下立交积水',
        'Flooded underpass',
        ['下立交积水', 'Water in an underpass'],
        ['排水完毕，恢复通行', 'Pumped out, open again'],
      ],
      [
        '0803',
        '小区积水',
        'Waterlogged residential compound',
        ['小区道路或楼道进水', 'Water on compound roads or in entrances'],
        ['积水排除', 'Drained'],
      ],
      [
        '0804',
        '树木倒伏',
        'Fallen tree',
        ['树木倒伏或断枝阻路', 'Tree or branch down across the way'],
        ['清理完毕，道路畅通', 'Cleared, way open'],
      ],
      [
        '0805',
        '高空悬挂物松动',
        'Loose objects at height',
        ['台风前后广告牌、空调外机等松动', 'Signs or air-conditioner units loose around a typhoon'],
        ['加固或拆除', 'Secured or removed'],
      ],
      [
        '0806',
        '危房险情',
        'Dangerous building',
        ['房屋开裂、倾斜，有倒塌风险', 'Building cracked or leaning, may collapse'],
        ['人员转移，险情排除', 'People moved out, danger removed'],
      ],
      [
        '0807',
        '水位异常告警',
        'Abnormal water level alarm',
        ['河道水位或传感器告警超过警戒值', 'River level or a sensor above the warning mark'],
        ['水位回落，设备正常', 'Level down, sensor normal'],
      ],
      [
        '0808',
        '防汛设施损坏',
        'Damaged flood-control facilities',
        ['泵站、闸门、挡水板损坏', 'Pump, gate or flood barrier damaged'],
        ['修复可用', 'Repaired and usable'],
      ],
      [
        '0809',
        '地下空间进水',
        'Water in underground space',
        ['地下车库、地下室进水', 'Water in a basement or underground car park'],
        ['排水完毕，设施安全', 'Pumped out, facilities safe'],
      ],
    ],
  },
  {
    code: '09',
    zh: '矛盾纠纷',
    en: 'Disputes',
    kind: 'event',
    policy: 'difficult',
    filing: ['当事人及诉求明确', 'The parties and what they ask are known'],
    closing: ['调解达成一致或依法引导，当事人签字确认', 'Settled or referred by law, parties sign off'],
    minors: [
      [
        '0901',
        '邻里纠纷',
        'Neighbour dispute',
        ['邻里之间因噪声、漏水、占用等发生争议', 'Neighbours at odds over noise, leaks or space'],
        ['调解协议达成或双方认可', 'Mediation agreement or both accept'],
      ],
      [
        '0902',
        '家庭纠纷',
        'Family dispute',
        ['家庭成员间矛盾，可能激化', 'A family conflict that may escalate'],
        ['矛盾化解，回访无反复', 'Resolved, no recurrence on follow-up'],
      ],
      [
        '0903',
        '物业纠纷',
        'Property management dispute',
        ['业主与物业因服务、收费发生争议', 'Owners and the property manager disagree on service or fees'],
        ['协商一致或移交主管部门', 'Agreed or passed to the authority'],
      ],
      [
        '0904',
        '劳资纠纷',
        'Wage dispute',
        ['拖欠工资或劳动争议', 'Unpaid wages or a labour dispute'],
        ['工资支付或移交劳动监察', 'Wages paid or passed to labour inspection'],
      ],
      [
        '0905',
        '房屋租赁纠纷',
        'Tenancy dispute',
        ['租赁双方因押金、合同等发生争议', 'Landlord and tenant disagree on deposit or contract'],
        ['双方达成一致', 'Both agree'],
      ],
      [
        '0906',
        '消费纠纷',
        'Consumer dispute',
        ['消费者与经营者发生争议', 'A consumer and a business disagree'],
        ['和解或移交市场监管', 'Settled or passed to market regulation'],
      ],
      [
        '0907',
        '征收拆迁纠纷',
        'Land and expropriation dispute',
        ['因征收、拆迁补偿发生争议', 'A dispute over expropriation or compensation'],
        ['方案落实或依法引导', 'Plan carried out or referred by law'],
        'complex',
      ],
      [
        '0908',
        '装修纠纷',
        'Renovation dispute',
        ['装修扰民或损坏他人财物', 'Renovation disturbs or damages others'],
        ['赔偿或整改，双方认可', 'Compensated or corrected, both accept'],
      ],
      [
        '0909',
        '群体性矛盾',
        'Collective dispute',
        ['10人以上共同诉求或聚集苗头', 'Ten or more people with one demand, or signs of gathering'],
        ['专题会议研究，诉求依法处理', 'Street special meeting held, demand handled by law'],
        'complex',
      ],
    ],
  },
  {
    code: '10',
    zh: '社会治安',
    en: 'Social security',
    kind: 'event',
    policy: 'general',
    filing: [
      '一事一报：时间、地点、人员、经过清楚',
      'One matter, one report: time, place, people and what happened',
    ],
    closing: ['移交公安或处置完毕并反馈', 'Passed to the police or handled, with feedback'],
    minors: [
      [
        '1001',
        '治安隐患',
        'Public security hazard',
        ['监控盲区、门禁损坏等治安隐患', 'CCTV blind spot, broken access control or similar'],
        ['隐患整改', 'Hazard corrected'],
      ],
      [
        '1002',
        '可疑人员物品',
        'Suspicious person or object',
        ['发现可疑人员、可疑物品', 'A suspicious person or object'],
        ['公安核查完毕', 'Checked by the police'],
        'urgent',
      ],
      [
        '1003',
        '涉黄涉赌线索',
        'Gambling or prostitution lead',
        ['发现涉黄涉赌线索', 'A lead on gambling or prostitution'],
        ['线索移交公安', 'Lead passed to the police'],
      ],
      [
        '1004',
        '电信诈骗线索',
        'Telecom fraud lead',
        ['居民遭遇或疑似电信诈骗', 'A resident hit by or facing telecom fraud'],
        ['移交公安并开展宣传', 'Passed to the police, residents warned'],
      ],
      [
        '1005',
        '重点人员动态',
        'Key person update',
        ['重点人员异常动态', 'Unusual movements of a key person'],
        ['上报并落实管控', 'Reported and followed up'],
      ],
      [
        '1006',
        '出租房屋未登记',
        'Unregistered tenants',
        ['出租房屋人员未登记', 'Tenants not registered'],
        ['完成登记', 'Registered'],
      ],
      [
        '1007',
        '寄递物流安全',
        'Delivery and logistics safety',
        ['快递网点违规收寄', 'A parcel point breaks the rules'],
        ['整改到位', 'Corrected'],
      ],
      [
        '1008',
        '流浪乞讨人员',
        'Homeless person needing help',
        ['发现流浪乞讨人员', 'A homeless or begging person'],
        ['救助或护送', 'Helped or escorted to care'],
      ],
      [
        '1009',
        '聚集苗头',
        'Signs of an unauthorised gathering',
        ['发现聚集、串联苗头', 'Signs that people plan to gather'],
        ['稳控化解', 'Calmed and resolved'],
        'urgent',
      ],
    ],
  },
  {
    code: '11',
    zh: '民生服务',
    en: 'Livelihood services',
    kind: 'event',
    policy: 'general',
    filing: ['服务对象及需求明确', 'The person and the need are known'],
    closing: ['服务完成，对象或家属确认', 'Service done, confirmed by the person or family'],
    minors: [
      [
        '1101',
        '独居老人关爱',
        'Care for an elderly person living alone',
        ['独居老人需探访或出现异常', 'An elderly person living alone needs a visit or shows a problem'],
        ['上门探访并记录', 'Visited and recorded'],
      ],
      [
        '1102',
        '养老服务需求',
        'Elderly care request',
        ['老人提出助浴、助洁、助医等需求', 'An elderly person asks for bathing, cleaning or medical help'],
        ['服务落实', 'Service delivered'],
      ],
      [
        '1103',
        '为老助餐',
        'Meals for the elderly',
        ['老人需要助餐服务', 'An elderly person needs meal service'],
        ['助餐安排到位', 'Meals arranged'],
      ],
      [
        '1104',
        '困境儿童帮扶',
        'Help for a child in difficulty',
        ['困境儿童需要帮扶', 'A child in difficulty needs help'],
        ['帮扶措施落实', 'Help in place'],
      ],
      [
        '1105',
        '残疾人帮扶',
        'Help for a person with disability',
        ['残疾人提出帮扶需求', 'A person with disability asks for help'],
        ['帮扶落实', 'Help in place'],
      ],
      [
        '1106',
        '社会救助',
        'Social assistance',
        ['居民申请救助或生活困难', 'A resident in hardship or applying for aid'],
        ['申请受理或转办', 'Application taken or passed on'],
      ],
      [
        '1107',
        '就业帮扶',
        'Employment help',
        ['失业人员求职帮助', 'An unemployed person asks for help'],
        ['推荐岗位或培训', 'Job or training offered'],
      ],
      [
        '1108',
        '医疗健康服务',
        'Health service',
        ['签约医生、慢病随访需求', 'A family-doctor or chronic-illness follow-up need'],
        ['服务完成', 'Done'],
      ],
      [
        '1109',
        '政策咨询',
        'Policy enquiry',
        ['居民政策咨询', 'A resident asks about a policy'],
        ['答复并记录', 'Answered and recorded'],
      ],
      [
        '1110',
        '微心愿',
        'Micro-wish',
        ['困难群众提出微心愿', 'A resident in need makes a micro-wish'],
        ['心愿认领并完成', 'Claimed and fulfilled'],
      ],
    ],
  },
  {
    code: '12',
    zh: '房屋管理',
    en: 'Housing and property management',
    kind: 'event',
    policy: 'general',
    filing: ['房屋地址明确，问题可见', 'The address is known and the problem visible'],
    closing: ['维修或整改完成，住户确认', 'Repaired or corrected, confirmed by the household'],
    minors: [
      [
        '1201',
        '房屋渗漏',
        'Leaking building',
        ['屋面、外墙或管道渗漏', 'Roof, wall or pipe leaking'],
        ['维修完成，无渗漏', 'Repaired, no leak'],
      ],
      [
        '1202',
        '电梯故障',
        'Lift failure',
        ['电梯停运或运行异常', 'Lift stopped or faulty'],
        ['维修完成，检验合格', 'Repaired and inspected'],
        'urgent',
      ],
      [
        '1203',
        '二次供水问题',
        'Secondary water supply problem',
        ['水质浑浊或水压不足', 'Cloudy water or low pressure'],
        ['清洗或维修，水质合格', 'Cleaned or repaired, water tests fine'],
      ],
      [
        '1204',
        '违规装修',
        'Illegal alterations',
        ['拆改承重结构或违规改变用途', 'Load-bearing walls altered or use changed'],
        ['恢复原状', 'Restored'],
        'difficult',
      ],
      [
        '1205',
        '物业服务不到位',
        'Poor property service',
        ['保洁、保安、维修服务缺失', 'Cleaning, guarding or repairs neglected'],
        ['物业整改', 'Corrected by the manager'],
      ],
      [
        '1206',
        '小区公共设施损坏',
        'Damaged shared facilities',
        ['门禁、道闸、健身器材损坏', 'Gate, barrier or fitness equipment broken'],
        ['修复可用', 'Repaired'],
      ],
      [
        '1207',
        '房屋安全隐患',
        'Building safety hazard',
        ['外墙脱落、阳台开裂', 'Facade falling off or balcony cracked'],
        ['排险加固', 'Made safe'],
        'difficult',
      ],
      [
        '1208',
        '维修资金使用',
        'Maintenance fund matter',
        ['业主对维修资金使用有诉求', 'Owners raise a maintenance fund matter'],
        ['按程序表决并答复', 'Voted by procedure and answered'],
        'complex',
      ],
    ],
  },
  {
    code: '13',
    zh: '园林绿化',
    en: 'Greenery',
    kind: 'event',
    policy: 'general',
    filing: ['绿地位置明确，照片可见', 'The green space is known and visible on a photo'],
    closing: ['绿化恢复或清理完成', 'Greenery restored or cleaned'],
    minors: [
      [
        '1301',
        '绿地脏乱',
        'Dirty green space',
        ['绿地内垃圾、杂物', 'Litter or junk in green space'],
        ['清理干净', 'Cleaned'],
      ],
      [
        '1302',
        '毁绿占绿',
        'Green space destroyed or occupied',
        ['毁坏绿地或种菜、堆物', 'Greenery destroyed or used for vegetables or storage'],
        ['恢复绿化', 'Greenery restored'],
        'difficult',
      ],
      [
        '1303',
        '树木枯死',
        'Dead tree',
        ['行道树或绿地树木枯死', 'A street or park tree is dead'],
        ['移除并补种', 'Removed and replanted'],
      ],
      [
        '1304',
        '树枝遮挡',
        'Branches in the way',
        ['树枝遮挡路灯、标志或窗户', 'Branches cover lights, signs or windows'],
        ['修剪完毕', 'Pruned'],
      ],
      [
        '1305',
        '绿化设施损坏',
        'Damaged greenery facilities',
        ['树池、围栏、灌溉设施损坏', 'Tree pit, fence or irrigation broken'],
        ['修复', 'Repaired'],
      ],
    ],
  },
  {
    code: '14',
    zh: '交通设施',
    en: 'Traffic facilities',
    kind: 'component',
    policy: 'repair',
    filing: ['设施位置明确，损坏可见', 'The facility is located and the damage visible'],
    closing: ['设施修复，功能正常', 'Repaired and working'],
    minors: [
      [
        '1401',
        '交通信号灯故障',
        'Traffic light failure',
        ['信号灯不亮或显示异常', 'Signal dark or wrong'],
        ['恢复正常', 'Working again'],
        'urgent',
      ],
      [
        '1402',
        '交通标志损坏',
        'Damaged traffic sign',
        ['标志牌缺失、倾斜或遮挡', 'Sign missing, leaning or hidden'],
        ['修复或更换', 'Repaired or replaced'],
      ],
      [
        '1403',
        '道路标线不清',
        'Faded road markings',
        ['标线磨损不清', 'Markings worn away'],
        ['重新施划', 'Repainted'],
      ],
      [
        '1404',
        '隔离护栏损坏',
        'Damaged road barrier',
        ['隔离护栏倒伏、缺失', 'Barrier down or missing'],
        ['修复', 'Repaired'],
      ],
      [
        '1405',
        '公交站亭损坏',
        'Damaged bus shelter',
        ['站亭、站牌破损', 'Shelter or stop sign damaged'],
        ['修复', 'Repaired'],
      ],
      [
        '1406',
        '停车设施损坏',
        'Damaged parking facility',
        ['停车桩、地锁损坏', 'Parking post or lock broken'],
        ['修复或拆除', 'Repaired or removed'],
      ],
      [
        '1407',
        '减速带损坏',
        'Damaged speed bump',
        ['减速带松动、缺失', 'Speed bump loose or missing'],
        ['修复', 'Repaired'],
      ],
    ],
  },
];

const pair = ([zh, en]: Pair): Standard => ({ zh, en });

/** The seeded catalogue, majors then minors, with ranks in the order above. */
export function seededCategories(): SeedCategory[] {
  const out: SeedCategory[] = [];
  MAJORS.forEach((major, i) => {
    out.push({
      code: major.code,
      parentCode: null,
      kind: major.kind,
      nameZh: major.zh,
      nameEn: major.en,
      deadlinePolicy: major.policy,
      filingStandards: [pair(major.filing)],
      closingStandards: [pair(major.closing)],
      rank: (i + 1) * 10,
    });
    major.minors.forEach(([code, zh, en, filing, closing, policy], j) => {
      out.push({
        code,
        parentCode: major.code,
        kind: major.kind,
        nameZh: zh,
        nameEn: en,
        deadlinePolicy: policy ?? null,
        filingStandards: [pair(filing)],
        closingStandards: [pair(closing)],
        rank: (j + 1) * 10,
      });
    });
  });
  return out;
}

/** The stages a deadline policy can time, in the order of the closed loop. */
export const STAGES = ['accept', 'respond', 'consult', 'plan', 'handle', 'verify'] as const;
export type Stage = (typeof STAGES)[number];

export interface SeedPolicy {
  key: string;
  nameZh: string;
  nameEn: string;
  clockType: ClockType;
  /** Seconds per stage; a stage that is absent is not timed by this policy. */
  stages: Partial<Record<Stage, number>>;
  warnRatio: number | null;
  warnBeforeSeconds: number | null;
  rank: number;
}

const HOUR = 3600;
const DAY = 86_400;
/** One working day on the working-hours clock: 09:00–12:00 and 13:30–17:30. */
const WORKING_DAY_HOURS = 7 * HOUR;

/**
 * The three-level loop of seed 000 (一般问题24小时响应, 疑难问题48小时会商, 复杂重大问题7日内制定方案), plus urgent matters,
 * 12345 hotline tickets and component repairs. The handling times are the platform's defaults, not from the seeds:
 * each street checks them.
 */
export function seededPolicies(): SeedPolicy[] {
  return [
    {
      key: 'general',
      nameZh: '一般问题',
      nameEn: 'General matter',
      clockType: 'continuous',
      stages: { accept: 2 * HOUR, respond: 24 * HOUR, handle: 7 * DAY, verify: 24 * HOUR },
      warnRatio: 0.8,
      warnBeforeSeconds: null,
      rank: 10,
    },
    {
      key: 'difficult',
      nameZh: '疑难问题',
      nameEn: 'Difficult matter',
      clockType: 'continuous',
      stages: {
        accept: 2 * HOUR,
        respond: 24 * HOUR,
        consult: 48 * HOUR,
        handle: 15 * DAY,
        verify: 24 * HOUR,
      },
      warnRatio: 0.8,
      warnBeforeSeconds: null,
      rank: 20,
    },
    {
      key: 'complex',
      nameZh: '复杂重大问题',
      nameEn: 'Complex or major matter',
      clockType: 'natural_days',
      stages: {
        accept: 1 * DAY,
        respond: 1 * DAY,
        consult: 2 * DAY,
        plan: 7 * DAY,
        handle: 30 * DAY,
        verify: 2 * DAY,
      },
      warnRatio: 0.8,
      warnBeforeSeconds: null,
      rank: 30,
    },
    {
      key: 'urgent',
      nameZh: '紧急事件',
      nameEn: 'Urgent matter',
      clockType: 'continuous',
      stages: { accept: 15 * 60, respond: 30 * 60, handle: 4 * HOUR, verify: 2 * HOUR },
      warnRatio: null,
      warnBeforeSeconds: 10 * 60,
      rank: 40,
    },
    {
      key: 'hotline',
      nameZh: '12345热线工单',
      nameEn: '12345 hotline ticket',
      clockType: 'working_days',
      stages: { accept: 1 * DAY, respond: 1 * DAY, handle: 7 * DAY, verify: 2 * DAY },
      warnRatio: 0.8,
      warnBeforeSeconds: null,
      rank: 50,
    },
    {
      key: 'repair',
      nameZh: '部件维修',
      nameEn: 'Component repair',
      clockType: 'working_hours',
      stages: {
        accept: 1 * HOUR,
        respond: 2 * HOUR,
        handle: 3 * WORKING_DAY_HOURS,
        verify: WORKING_DAY_HOURS,
      },
      warnRatio: 0.8,
      warnBeforeSeconds: null,
      rank: 60,
    },
  ];
}

export interface SeedCalendarDay {
  date: string;
  kind: 'holiday' | 'workday';
  nameZh: string;
  nameEn: string;
}

function span(from: string, to: string, nameZh: string, nameEn: string): SeedCalendarDay[] {
  const out: SeedCalendarDay[] = [];
  for (
    let at = new Date(`${from}T00:00:00Z`);
    at <= new Date(`${to}T00:00:00Z`);
    at.setUTCDate(at.getUTCDate() + 1)
  )
    out.push({ date: at.toISOString().slice(0, 10), kind: 'holiday', nameZh, nameEn });
  return out;
}

function workday(date: string, nameZh: string, nameEn: string): SeedCalendarDay {
  return { date, kind: 'workday', nameZh: `${nameZh}调休上班`, nameEn: `${nameEn} make-up workday` };
}

/**
 * China's 2026 public holidays and make-up workdays (法定节假日/调休) after the State Council's notice as the platform
 * knows it. Seeded defaults: an administrator checks them against the official notice and edits the year through
 * PUT /api/calendar/2026; later years are entered the same way.
 */
export function seededCalendarDays(): SeedCalendarDay[] {
  return [
    ...span('2026-01-01', '2026-01-03', '元旦', "New Year's Day"),
    workday('2026-01-04', '元旦', "New Year's Day"),
    workday('2026-02-14', '春节', 'Spring Festival'),
    ...span('2026-02-15', '2026-02-23', '春节', 'Spring Festival'),
    workday('2026-02-28', '春节', 'Spring Festival'),
    ...span('2026-04-04', '2026-04-06', '清明节', 'Qingming Festival'),
    ...span('2026-05-01', '2026-05-05', '劳动节', 'Labour Day'),
    workday('2026-05-09', '劳动节', 'Labour Day'),
    ...span('2026-06-19', '2026-06-21', '端午节', 'Dragon Boat Festival'),
    workday('2026-09-20', '国庆节', 'National Day'),
    ...span('2026-09-25', '2026-09-27', '中秋节', 'Mid-Autumn Festival'),
    ...span('2026-10-01', '2026-10-07', '国庆节', 'National Day'),
    workday('2026-10-10', '国庆节', 'National Day'),
  ];
}

export interface LadderLevel {
  key: string;
  nameZh: string;
  nameEn: string;
  /** Who is told when the event reaches this level: a role and the grid level whose holders are meant. */
  notify: { role: string; gridLevel: string }[];
  /** Seconds at this level before the event climbs to the next; null on the top level. */
  climbAfterSeconds: number | null;
}

export interface LadderPreset {
  key: string;
  nameZh: string;
  nameEn: string;
  clockType: ClockType;
  levels: LadderLevel[];
}

/**
 * The two presets of the glossary's `escalationLadder`: the three-level loop of seed 000 (the platform default) and
 * the three-level response of seed 004. The climb times follow the 24 h / 48 h of seed 000.
 */
export const LADDER_PRESETS: LadderPreset[] = [
  {
    key: 'three_level_loop',
    nameZh: '三级闭环',
    nameEn: 'Three-level loop',
    clockType: 'continuous',
    levels: [
      {
        key: 'in_group',
        nameZh: '组内联动',
        nameEn: 'In-group linkage',
        notify: [
          { role: 'grid_worker', gridLevel: 'microGrid' },
          { role: 'grid_leader', gridLevel: 'community' },
        ],
        climbAfterSeconds: 24 * HOUR,
      },
      {
        key: 'grid_closure',
        nameZh: '网格销号',
        nameEn: 'Grid closure',
        notify: [
          { role: 'grid_leader', gridLevel: 'area' },
          { role: 'area_leader', gridLevel: 'area' },
        ],
        climbAfterSeconds: 48 * HOUR,
      },
      {
        key: 'party_committee',
        nameZh: '党工委提级处置',
        nameEn: 'Escalation to the party working committee',
        notify: [{ role: 'command_centre', gridLevel: 'street' }],
        climbAfterSeconds: null,
      },
    ],
  },
  {
    key: 'three_level_response',
    nameZh: '三级响应',
    nameEn: 'Three-level response',
    clockType: 'continuous',
    levels: [
      {
        key: 'community',
        nameZh: '村居网格长自治',
        nameEn: 'Community grid leader (self-governance)',
        notify: [{ role: 'grid_leader', gridLevel: 'community' }],
        climbAfterSeconds: 24 * HOUR,
      },
      {
        key: 'area',
        nameZh: '片区网格长共治',
        nameEn: 'Area grid leader (co-governance)',
        notify: [{ role: 'area_leader', gridLevel: 'area' }],
        climbAfterSeconds: 48 * HOUR,
      },
      {
        key: 'street',
        nameZh: '街镇总网格长牵头',
        nameEn: 'Street chief grid leader leads',
        notify: [
          { role: 'grid_leader', gridLevel: 'street' },
          { role: 'command_centre', gridLevel: 'street' },
        ],
        climbAfterSeconds: null,
      },
    ],
  },
];

/** The platform default ladder's preset (seed 000). */
export const DEFAULT_LADDER_PRESET = 'three_level_loop';
