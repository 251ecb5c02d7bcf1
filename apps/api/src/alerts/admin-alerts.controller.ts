import { Body, Controller, Get, Param, Patch, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard, AuthUser, CurrentUser } from '@app/auth';
import { ObjectIdPipe } from '../common/object-id.pipe';
import { ListAlertsQueryDto, UpdateAlertDto } from './alerts.dto';
import { AdminAlertsService } from './admin-alerts.service';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('admin/alerts')
export class AdminAlertsController {
  constructor(private readonly alerts: AdminAlertsService) {}

  @Get()
  @ApiOperation({
    summary: 'Red-flag alerts from the daily screening, newest first (admins only); filters and cursor pages',
  })
  list(@Query() query: ListAlertsQueryDto) {
    return this.alerts.list(query);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Acknowledge or resolve an alert (admins only)' })
  update(@CurrentUser() admin: AuthUser, @Param('id', ObjectIdPipe) id: string, @Body() dto: UpdateAlertDto) {
    return this.alerts.update(id, admin.id, dto);
  }
}
